using Gateway.Host.Metrics;
using Gateway.Inference.Pool;

namespace Gateway.Host.LocalModels;

/// <summary>
/// Pool series, refreshed at each scrape: loaded models and their memory, restarts, and each
/// ready ModelServer's running sequences and queue depth (read from its <c>/health</c>).
/// </summary>
internal sealed class PoolMetrics : IHostedService
{
    private readonly ModelPool _pool;
    private readonly ModelServerLoad _load;
    private readonly GatewayMetrics _metrics;

    public PoolMetrics(ModelPool pool, ModelServerLoad load, GatewayMetrics metrics)
    {
        _pool = pool;
        _load = load;
        _metrics = metrics;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(CollectAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        var models = _pool.List();
        _metrics.PoolLoadedModels.Set(models.Count(m => m.State == LocalModelState.Ready));
        foreach (var model in models)
        {
            _metrics.PoolModelMemory.WithLabels(model.Name).Set(model.State == LocalModelState.Ready ? model.MemoryBytes : 0);
            _metrics.PoolRestarts.WithLabels(model.Name).IncTo(model.Restarts);
            var (running, queued) = model.State == LocalModelState.Ready ? await _load.ReadAsync(model.Name, cancellationToken) : (0, 0);
            _metrics.PoolRunningSequences.WithLabels(model.Name).Set(running);
            _metrics.PoolQueueDepth.WithLabels(model.Name).Set(queued);
        }
    }
}
