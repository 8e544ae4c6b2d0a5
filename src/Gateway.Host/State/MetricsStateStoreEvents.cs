using Gateway.Host.Metrics;
using Gateway.State;

namespace Gateway.Host.State;

/// <summary>Counts shared-state failures in <c>gateway_state_store_errors_total{store,policy}</c>.</summary>
internal sealed class MetricsStateStoreEvents : IStateStoreEvents
{
    private readonly GatewayMetrics _metrics;

    public MetricsStateStoreEvents(GatewayMetrics metrics) => _metrics = metrics;

    public void OnStoreError(string store, string policy) => _metrics.StateStoreErrors.WithLabels(store, policy).Inc();
}
