using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;

namespace Gateway.Host.Resilience;

/// <summary>
/// Recomputes a model's available destinations when a circuit opens or closes, and again when an
/// open circuit's break elapses, so that routing sees circuit state without a per-request check.
/// </summary>
internal sealed class CircuitStateSync : IHostedService
{
    // Checked just after the break ends, so the circuit is half-open (offered for a probe) when looked at.
    private static readonly TimeSpan RecheckMargin = TimeSpan.FromMilliseconds(10);

    private readonly UpstreamPipelines _pipelines;
    private readonly IProxyStateLookup _proxyState;
    private readonly IClusterDestinationsUpdater _updater;
    private readonly TimeProvider _time;

    public CircuitStateSync(UpstreamPipelines pipelines, IProxyStateLookup proxyState, IClusterDestinationsUpdater updater, TimeProvider time)
    {
        _pipelines = pipelines;
        _proxyState = proxyState;
        _updater = updater;
        _time = time;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _pipelines.CircuitChanged += OnCircuitChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _pipelines.CircuitChanged -= OnCircuitChanged;
        return Task.CompletedTask;
    }

    private void OnCircuitChanged(string model, TimeSpan? recheckAfter)
    {
        Update(model);
        if (recheckAfter is { } delay)
        {
            ITimer? timer = null;
            timer = _time.CreateTimer(_ =>
            {
                Update(model);
                timer?.Dispose();
            }, null, delay + RecheckMargin, Timeout.InfiniteTimeSpan);
        }
    }

    private void Update(string model)
    {
        if (_proxyState.TryGetCluster("model/" + model, out var cluster))
        {
            _updater.UpdateAvailableDestinations(cluster);
        }
    }
}
