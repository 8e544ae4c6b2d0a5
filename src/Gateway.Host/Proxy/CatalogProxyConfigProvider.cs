using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.Inference.Pool;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Host.Proxy;

/// <summary>
/// Turns the catalog into YARP configuration: one cluster per model (its base URLs are the
/// destinations), and one route per proxied OpenAI operation. Routes point at an empty
/// placeholder cluster; the front door reassigns each request to its model's cluster once it has
/// read the body.
/// </summary>
internal sealed class CatalogProxyConfigProvider : IProxyConfigProvider, IDisposable
{
    public const string UnassignedClusterId = "gateway/unassigned";

    private readonly ReloadingSnapshot<CatalogSnapshot> _catalog;
    private readonly ModelPool _pool;
    private readonly Lock _lock = new();
    private volatile CatalogProxyConfig _config;

    public CatalogProxyConfigProvider(ReloadingSnapshot<CatalogSnapshot> catalog, ModelPool pool)
    {
        _catalog = catalog;
        _pool = pool;
        _config = new CatalogProxyConfig(catalog.Current, LocalEndpoint);
        _catalog.Changed += OnCatalogChanged;
        _pool.EndpointChanged += OnEndpointChanged;
    }

    public IProxyConfig GetConfig() => _config;

    /// <summary>The OpenAI operation a route of this provider serves.</summary>
    public static OpenAIOperation OperationOf(string routeId) => routeId switch
    {
        "openai/ChatCompletions" => OpenAIOperation.ChatCompletions,
        "openai/Completions" => OpenAIOperation.Completions,
        "openai/Embeddings" => OpenAIOperation.Embeddings,
        _ => throw new InvalidOperationException($"Route '{routeId}' is not an OpenAI operation route."),
    };

    public void Dispose()
    {
        _catalog.Changed -= OnCatalogChanged;
        _pool.EndpointChanged -= OnEndpointChanged;
    }

    private void OnCatalogChanged(CatalogSnapshot snapshot) => Rebuild(snapshot);

    // A local model started, restarted on another port or stopped: its cluster's destination follows.
    private void OnEndpointChanged(object? sender, ModelEndpointChangedEventArgs e) => Rebuild(_catalog.Current);

    private void Rebuild(CatalogSnapshot snapshot)
    {
        lock (_lock)
        {
            var previous = _config;
            _config = new CatalogProxyConfig(snapshot, LocalEndpoint);
            previous.SignalChange();
        }
    }

    private Uri? LocalEndpoint(string model)
    {
        try
        {
            return _pool.Get(model) is { State: LocalModelState.Ready, BaseUri: { } uri } ? uri : null;
        }
        catch (UnknownModelException)
        {
            return null;
        }
    }

    private sealed class CatalogProxyConfig : IProxyConfig
    {
        // YARP's activity timeout only backs up the gateway's own, so it fires this much later.
        private static readonly TimeSpan BackstopMargin = TimeSpan.FromSeconds(5);

        private static readonly (string Path, OpenAIOperation Operation)[] Operations =
        [
            ("/v1/chat/completions", OpenAIOperation.ChatCompletions),
            ("/v1/completions", OpenAIOperation.Completions),
            ("/v1/embeddings", OpenAIOperation.Embeddings),
        ];

        private readonly CancellationTokenSource _changed = new();

        public CatalogProxyConfig(CatalogSnapshot snapshot, Func<string, Uri?> localEndpoint)
        {
            Routes = Operations.Select(o => new RouteConfig
            {
                RouteId = "openai/" + o.Operation,
                ClusterId = UnassignedClusterId,
                AuthorizationPolicy = Auth.GatewayPolicies.Key,
                Match = new RouteMatch { Path = o.Path, Methods = ["POST"] },
            }).ToArray();

            var clusters = new List<ClusterConfig> { new() { ClusterId = UnassignedClusterId } };
            clusters.AddRange(snapshot.Models.Select(m => BuildCluster(m, m.IsLocal ? localEndpoint(m.Name) is { } uri ? [uri] : [] : m.Destinations)));
            Clusters = clusters;
            ChangeToken = new CancellationChangeToken(_changed.Token);
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        public IReadOnlyList<RouteConfig> Routes { get; }

        public IReadOnlyList<ClusterConfig> Clusters { get; }

        public IChangeToken ChangeToken { get; }

        public void SignalChange() => _changed.Cancel();

        private static ClusterConfig BuildCluster(CatalogModel model, IReadOnlyList<Uri> destinations) => new()
        {
            ClusterId = model.ClusterId,
            LoadBalancingPolicy = model.LoadBalancing,
            Destinations = destinations
                .Select((uri, i) => (Id: $"{model.Name}/{i}", Config: new DestinationConfig { Address = uri.ToString() }))
                .ToDictionary(d => d.Id, d => d.Config),
            HttpRequest = new ForwarderRequestConfig
            {
                // The gateway's own timeouts (first byte, idle, total) fire first and say which
                // one it was; YARP's is the backstop.
                ActivityTimeout = Max(model.Timeout, model.Resilience.FirstByteTimeout) + BackstopMargin,
                AllowResponseBuffering = false,
            },
            HealthCheck = new HealthCheckConfig
            {
                AvailableDestinationsPolicy = Resilience.CircuitAwareDestinationsPolicy.PolicyName,
                Active = new ActiveHealthCheckConfig
                {
                    // A local model's server takes only requests with its key, and the pool already supervises it.
                    Enabled = model.HealthCheck.Active && !model.IsLocal,
                    Interval = model.HealthCheck.ActiveInterval,
                    Timeout = model.HealthCheck.ActiveTimeout,
                    Path = model.HealthCheck.ActivePath,
                    Policy = "ConsecutiveFailures",
                },
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = model.HealthCheck.Passive,
                    Policy = "TransportFailureRate",
                    ReactivationPeriod = model.HealthCheck.ReactivationPeriod,
                },
            },
        };
    }
}
