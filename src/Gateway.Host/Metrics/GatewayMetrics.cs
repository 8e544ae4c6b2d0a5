using Prometheus;

namespace Gateway.Host.Metrics;

/// <summary>
/// The gateway's Prometheus series, named <c>gateway_&lt;area&gt;_&lt;name&gt;_&lt;unit&gt;</c>. One instance per
/// process (prometheus-net's default registry); pool and router series live with their owners
/// but follow the same scheme.
/// </summary>
public sealed class GatewayMetrics
{
    private static readonly double[] LatencyBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    public Counter Requests { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_http_requests_total", "Requests answered, by route, model and status code.",
        new CounterConfiguration { LabelNames = ["route", "model", "status"] });

    public Histogram Overhead { get; } = Prometheus.Metrics.CreateHistogram(
        "gateway_request_overhead_seconds", "Time spent in the gateway before the upstream call.",
        new HistogramConfiguration { LabelNames = ["model"], Buckets = LatencyBuckets });

    public Histogram TimeToFirstToken { get; } = Prometheus.Metrics.CreateHistogram(
        "gateway_request_time_to_first_token_seconds", "Time from arrival to the upstream's first response byte.",
        new HistogramConfiguration { LabelNames = ["model"], Buckets = LatencyBuckets });

    public Histogram Duration { get; } = Prometheus.Metrics.CreateHistogram(
        "gateway_request_duration_seconds", "Time from arrival to the last byte of the answer.",
        new HistogramConfiguration { LabelNames = ["model"], Buckets = LatencyBuckets });

    public Counter Tokens { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_tokens_total", "Tokens by model and direction (input, output), from upstream usage.",
        new CounterConfiguration { LabelNames = ["model", "direction"] });

    public Counter Spend { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_spend_usd_total", "Spend in USD from catalog prices, by model and key.",
        new CounterConfiguration { LabelNames = ["model", "key"] });

    public Counter RouterDecisions { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_router_decisions_total", "Routed requests by profile and chosen model.",
        new CounterConfiguration { LabelNames = ["profile", "model"] });

    public Counter Fallbacks { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_router_fallbacks_total", "Requests moved to the next candidate model, by reason.",
        new CounterConfiguration { LabelNames = ["from_model", "reason"] });

    public Gauge CircuitState { get; } = Prometheus.Metrics.CreateGauge(
        "gateway_upstream_circuit_state", "Circuit state per destination: 0 closed, 1 half-open, 2 open.",
        new GaugeConfiguration { LabelNames = ["model", "destination"] });

    public Counter CacheRequests { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_cache_requests_total", "Response cache lookups by result (hit, miss).",
        new CounterConfiguration { LabelNames = ["result"] });

    public Counter LimitRejections { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_limit_rejections_total", "Requests rejected by a per-key limit, by limit.",
        new CounterConfiguration { LabelNames = ["limit"] });

    public Counter StateStoreErrors { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_state_store_errors_total", "Shared-state store failures by store and the policy applied.",
        new CounterConfiguration { LabelNames = ["store", "policy"] });

    public Counter UpstreamRetries { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_upstream_retries_total", "Retried upstream attempts by model.",
        new CounterConfiguration { LabelNames = ["model"] });
}
