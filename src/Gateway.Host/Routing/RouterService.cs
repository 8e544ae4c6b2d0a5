using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Routing;
using Gateway.Routing.Artifacts;
using Yarp.ReverseProxy;
using IRouter = Gateway.Routing.IRouter;

namespace Gateway.Host.Routing;

/// <summary>
/// The gateway's learned router: loads the artefact named by <c>Gateway:Routing</c>, keeps its
/// candidate list in step with the catalog and with replica health (a model whose replicas are
/// all unhealthy or circuit-open is not routable), and turns a prompt plus profile plus
/// overrides into a ranked decision.
/// </summary>
internal sealed partial class RouterService : IDisposable
{
    private readonly ReloadingSnapshot<CatalogSnapshot> _catalog;
    private readonly ReloadingSnapshot<RoutingSnapshot> _routing;
    private readonly IProxyStateLookup _proxyState;
    private readonly ILogger<RouterService> _logger;
    private readonly Lock _lock = new();
    private IRouter? _router;
    private string? _loadError;
    private string? _loadedDirectory;
    private (string Unhealthy, IRouter Router)? _degraded;

    public RouterService(ReloadingSnapshot<CatalogSnapshot> catalog, ReloadingSnapshot<RoutingSnapshot> routing,
        IProxyStateLookup proxyState, ILogger<RouterService> logger)
    {
        _catalog = catalog;
        _routing = routing;
        _proxyState = proxyState;
        _logger = logger;
        _catalog.Changed += OnCatalogChanged;
        _routing.Changed += OnRoutingChanged;
    }

    public RoutingSnapshot Settings => _routing.Current;

    /// <summary>Why the router is not available, or null when it is.</summary>
    public string? LoadError
    {
        get
        {
            EnsureLoaded();
            return _loadError;
        }
    }

    /// <summary>Loads the artefact now (start-up warm-up); later calls are free.</summary>
    public void EnsureLoaded()
    {
        var directory = _routing.Current.ArtifactDirectory;
        if (_loadedDirectory == directory)
        {
            return;
        }

        lock (_lock)
        {
            if (_loadedDirectory == directory)
            {
                return;
            }

            try
            {
                var artifact = RouterArtifactStore.Load(directory);
                var encoder = RouterFactory.SharedEncoderFor(artifact.EncoderId)
                    ?? throw new RouterArtifactException($"This gateway has no encoder '{artifact.EncoderId}'.");
                _router = RouterFactory.Create(artifact, Candidates(_catalog.Current, []), encoder, logger: _logger);
                _loadError = null;
                LogLoaded(_logger, directory, artifact.Capabilities.Count);
            }
            catch (Exception ex) when (ex is RouterArtifactException or IOException or UnauthorizedAccessException)
            {
                _router = null;
                _loadError = ex.Message;
                LogLoadFailed(_logger, directory, ex.Message);
            }

            _degraded = null;
            _loadedDirectory = directory;
        }
    }

    /// <summary>Ranks the catalog's models for a prompt; null when the router is unavailable.</summary>
    /// <param name="promptTokens">The whole prompt's token estimate when <paramref name="prompt"/> is only its start.</param>
    public RouteDecision? Route(string prompt, int? promptTokens, RouteProfileOptions profile, RouteOverrides overrides, VirtualKey key, out IReadOnlyList<ParetoPoint>? pareto, bool sweep = false)
    {
        pareto = null;
        EnsureLoaded();
        var router = CurrentRouter();
        if (router is null)
        {
            return null;
        }

        var request = new RouteRequest(
            prompt,
            new CostWeights(overrides.Cost ?? profile.Cost, overrides.Size ?? profile.Size, overrides.Latency ?? profile.Latency, overrides.Age ?? profile.Age),
            new RouteConstraints(
                Allow: Set(overrides.Allow ?? (profile.Allow.Count > 0 ? profile.Allow : null)),
                Deny: Set([.. profile.Deny, .. overrides.Deny ?? []]),
                AllowedByKey: key.AllowedModels,
                MaxPricePerMTok: overrides.MaxPricePerMTok ?? profile.MaxPricePerMTok),
            profile.ExpectedOutputTokens,
            promptTokens);
        if (sweep)
        {
            pareto = router.ParetoFront(request);
        }

        return router.Route(request);
    }

    private IRouter? CurrentRouter()
    {
        var router = _router;
        if (router is null)
        {
            return null;
        }

        var unhealthy = string.Join('\n', _catalog.Current.Models.Where(m => !IsHealthy(m)).Select(m => m.Name));
        if (unhealthy.Length == 0)
        {
            return router;
        }

        if (_degraded is { } degraded && degraded.Unhealthy == unhealthy)
        {
            return degraded.Router;
        }

        var updated = router.WithCandidates(Candidates(_catalog.Current, unhealthy.Split('\n')));
        _degraded = (unhealthy, updated);
        return updated;
    }

    /// <summary>
    /// Routable unless every replica is down. A local model that is not running has no destination yet: the pool
    /// starts it on its first request, so it counts as healthy (a routed request is what starts it).
    /// </summary>
    private bool IsHealthy(CatalogModel model) =>
        !_proxyState.TryGetCluster(model.ClusterId, out var cluster)
        || cluster.DestinationsState.AvailableDestinations.Count > 0
        || (model.IsLocal && cluster.DestinationsState.AllDestinations.Count == 0);

    private static CandidateDescriptor[] Candidates(CatalogSnapshot catalog, IReadOnlyCollection<string> unhealthy) =>
        catalog.Models.Select(m => new CandidateDescriptor(
            m.Name,
            m.Descriptor.ParamsB,
            (double)m.Descriptor.InputPricePerMTok,
            (double)m.Descriptor.OutputPricePerMTok,
            m.Descriptor.ContextLength,
            m.Descriptor.ReleaseDate,
            m.Descriptor.Tags,
            Healthy: !unhealthy.Contains(m.Name))).ToArray();

    private static HashSet<string>? Set(IEnumerable<string>? names) =>
        names?.ToHashSet(StringComparer.Ordinal) is { Count: > 0 } set ? set : null;

    private void OnCatalogChanged(CatalogSnapshot catalog)
    {
        lock (_lock)
        {
            _router = _router?.WithCandidates(Candidates(catalog, []));
            _degraded = null;
        }
    }

    private void OnRoutingChanged(RoutingSnapshot routing) => EnsureLoaded();

    public void Dispose()
    {
        _catalog.Changed -= OnCatalogChanged;
        _routing.Changed -= OnRoutingChanged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Router loaded from {Directory} with {Models} capability vector(s)")]
    private static partial void LogLoaded(ILogger logger, string directory, int models);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Router not available from {Directory}: {Reason}. Routed requests use Gateway:Routing:DefaultModel when set.")]
    private static partial void LogLoadFailed(ILogger logger, string directory, string reason);
}
