using Gateway.Inference.Pool;
using Prometheus;

namespace Gateway.Host.LocalModels;

/// <summary>
/// Pool series, refreshed at each scrape: loaded models and their memory, restarts, and each
/// ready ModelServer's running sequences and queue depth (read from its <c>/health</c>).
/// </summary>
internal sealed class PoolMetrics : IHostedService
{
    private static readonly Gauge Loaded = Prometheus.Metrics.CreateGauge("gateway_pool_loaded_models", "Local models with a running ModelServer.");
    private static readonly Gauge Memory = Prometheus.Metrics.CreateGauge("gateway_pool_model_memory_bytes", "Memory charged to each loaded local model.", new GaugeConfiguration { LabelNames = ["model"] });
    private static readonly Counter Restarts = Prometheus.Metrics.CreateCounter("gateway_pool_modelserver_restarts_total", "ModelServer restarts after a crash or failed health check.", new CounterConfiguration { LabelNames = ["model"] });
    private static readonly Gauge Running = Prometheus.Metrics.CreateGauge("gateway_pool_running_sequences", "Sequences decoding in each ModelServer.", new GaugeConfiguration { LabelNames = ["model"] });
    private static readonly Gauge Queued = Prometheus.Metrics.CreateGauge("gateway_pool_queue_depth", "Requests waiting for a sequence in each ModelServer.", new GaugeConfiguration { LabelNames = ["model"] });

    private readonly ModelPool _pool;
    private readonly ModelServerLoad _load;

    public PoolMetrics(ModelPool pool, ModelServerLoad load)
    {
        _pool = pool;
        _load = load;
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
        Loaded.Set(models.Count(m => m.State == LocalModelState.Ready));
        foreach (var model in models)
        {
            Memory.WithLabels(model.Name).Set(model.State == LocalModelState.Ready ? model.MemoryBytes : 0);
            Restarts.WithLabels(model.Name).IncTo(model.Restarts);
            var (running, queued) = model.State == LocalModelState.Ready ? await _load.ReadAsync(model.Name, cancellationToken) : (0, 0);
            Running.WithLabels(model.Name).Set(running);
            Queued.WithLabels(model.Name).Set(queued);
        }
    }
}
