using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.LocalModels;
using Gateway.Host.Metrics;
using Gateway.Host.Resilience;
using Gateway.Host.Routing;
using Gateway.Inference.Pool;
using Polly.CircuitBreaker;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Gateway.Host.Ui;

/// <summary>
/// <c>GET /admin/overview</c>: one JSON view of the pool for the operator console — every catalog
/// model with its replicas' health and circuit state, its local server's state and load, and its
/// traffic over the last minute on this instance; the routing profiles and the router's state.
/// </summary>
internal sealed class ConsoleOverview
{
    private readonly ReloadingSnapshot<CatalogSnapshot> _catalog;
    private readonly ModelPool _pool;
    private readonly ModelServerLoad _load;
    private readonly IProxyStateLookup _proxyState;
    private readonly UpstreamPipelines _pipelines;
    private readonly ModelTraffic _traffic;
    private readonly RouterService _router;
    private readonly TimeProvider _time;

    public ConsoleOverview(ReloadingSnapshot<CatalogSnapshot> catalog, ModelPool pool, ModelServerLoad load, IProxyStateLookup proxyState,
        UpstreamPipelines pipelines, ModelTraffic traffic, RouterService router, TimeProvider time)
    {
        _catalog = catalog;
        _pool = pool;
        _load = load;
        _proxyState = proxyState;
        _pipelines = pipelines;
        _traffic = traffic;
        _router = router;
        _time = time;
    }

    public async Task<object> BuildAsync(string keyName, CancellationToken cancellationToken)
    {
        var models = await Task.WhenAll(_catalog.Current.Models.Select(m => DescribeAsync(m, cancellationToken)));
        var routing = _router.Settings;
        return new
        {
            @object = "overview",
            key = keyName,
            generated_at = _time.GetUtcNow(),
            window_seconds = ModelTraffic.WindowSeconds,
            router = new { loaded = _router.LoadError is null, error = _router.LoadError, default_model = routing.DefaultModel, max_candidates = routing.MaxCandidates },
            models,
            profiles = routing.Profiles.OrderBy(p => p.Key == RoutingSnapshot.DefaultProfile ? 0 : 1).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new
            {
                name = p.Key,
                model = p.Key == RoutingSnapshot.DefaultProfile ? "auto" : "auto:" + p.Key,
                weights = new { cost = p.Value.Cost, size = p.Value.Size, latency = p.Value.Latency, age = p.Value.Age },
                allow = p.Value.Allow,
                deny = p.Value.Deny,
                max_price_per_mtok = p.Value.MaxPricePerMTok,
                expected_output_tokens = p.Value.ExpectedOutputTokens,
            }),
        };
    }

    private async Task<object> DescribeAsync(CatalogModel model, CancellationToken cancellationToken)
    {
        var destinations = Destinations(model);
        var local = model.IsLocal ? Local(model.Name) : null;
        var (running, queued) = local is { State: LocalModelState.Ready } ? await _load.ReadAsync(local.Name, cancellationToken) : (0, 0);
        var available = destinations.Count(d => d.Available);
        var rate = _traffic.Rate(model.Name);
        var d = model.Descriptor;
        return new
        {
            id = model.Name,
            provider = d.Provider,
            local = model.IsLocal,
            state = local is null ? (model.IsLocal ? "unknown" : "remote") : StateName(local.State),
            health = Health(model, local, available, destinations.Count),
            circuit = destinations.Select(x => x.Circuit).OrderByDescending(Severity).FirstOrDefault() ?? "closed",
            available_destinations = available,
            destinations = destinations.Select(x => new { address = x.Address, active = x.Active, passive = x.Passive, circuit = x.Circuit, available = x.Available, in_flight = x.InFlight }),
            queue_depth = queued,
            running,
            in_flight = local?.InFlight ?? destinations.Sum(x => x.InFlight),
            memory_bytes = local?.MemoryBytes,
            restarts = local?.Restarts,
            last_error = local?.LastError,
            requests_per_minute = rate.Requests,
            errors_per_minute = rate.Errors,
            tokens_per_minute = rate.Tokens,
            context_length = d.ContextLength,
            params_b = d.ParamsB,
            pricing = new { input_per_mtok = d.InputPricePerMTok, output_per_mtok = d.OutputPricePerMTok },
        };
    }

    private LocalModelSnapshot? Local(string name)
    {
        try
        {
            return _pool.Get(name);
        }
        catch (UnknownModelException)
        {
            return null;
        }
    }

    private List<DestinationView> Destinations(CatalogModel model)
    {
        var views = new List<DestinationView>();
        if (!_proxyState.TryGetCluster(model.ClusterId, out var cluster))
        {
            return views;
        }

        var available = cluster.DestinationsState.AvailableDestinations;
        foreach (var destination in cluster.Destinations.Values.OrderBy(x => x.DestinationId, StringComparer.Ordinal))
        {
            var address = destination.Model.Config.Address;
            var authority = new Uri(address).GetLeftPart(UriPartial.Authority);
            views.Add(new DestinationView(address, HealthName(destination.Health.Active), HealthName(destination.Health.Passive),
                CircuitName(_pipelines.CircuitOf(model.Name, authority)), available.Contains(destination), destination.ConcurrentRequestCount));
        }

        return views;
    }

    private static string Health(CatalogModel model, LocalModelSnapshot? local, int available, int total) => local?.State switch
    {
        LocalModelState.Unloaded => "idle",
        LocalModelState.Starting => "starting",
        LocalModelState.Failed => "failed",
        _ when total == 0 => model.IsLocal ? "idle" : "unhealthy",
        _ when available == total => "healthy",
        _ when available > 0 => "degraded",
        _ => "unhealthy",
    };

    private static string StateName(LocalModelState state) => state switch
    {
        LocalModelState.Unloaded => "unloaded",
        LocalModelState.Starting => "starting",
        LocalModelState.Ready => "loaded",
        _ => "failed",
    };

    private static string HealthName(DestinationHealth health) => health switch
    {
        DestinationHealth.Healthy => "healthy",
        DestinationHealth.Unhealthy => "unhealthy",
        _ => "unknown",
    };

    private static string CircuitName(CircuitState state) => state switch
    {
        CircuitState.Open or CircuitState.Isolated => "open",
        CircuitState.HalfOpen => "half-open",
        _ => "closed",
    };

    private static int Severity(string circuit) => circuit switch { "open" => 2, "half-open" => 1, _ => 0 };

    private sealed record DestinationView(string Address, string Active, string Passive, string Circuit, bool Available, int InFlight);
}
