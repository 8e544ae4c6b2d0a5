namespace Gateway.Host.Routing;

/// <summary>Loads the router (and its encoder) in the background at start, so the first routed request does not pay for it.</summary>
internal sealed class RouterWarmup : BackgroundService
{
    private readonly RouterService _router;

    public RouterWarmup(RouterService router) => _router = router;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(_router.EnsureLoaded, stoppingToken);
}
