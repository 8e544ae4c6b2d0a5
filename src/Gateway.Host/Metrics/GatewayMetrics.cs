using Prometheus;

namespace Gateway.Host.Metrics;

/// <summary>
/// Every Prometheus series of the gateway, named <c>gateway_&lt;area&gt;_&lt;name&gt;_&lt;unit&gt;</c>, in one place: feature
/// classes take this from dependency injection and never create series themselves. One instance per process
/// (prometheus-net's default registry).
/// </summary>
public sealed class GatewayMetrics
{
    private static readonly double[] LatencyBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly double[] AgentRunBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

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

    public Counter SemanticCacheRequests { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_cache_semantic_requests_total", "Semantic cache lookups by result (hit, miss).",
        new CounterConfiguration { LabelNames = ["result"] });

    public Counter SemanticCacheStores { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_cache_semantic_stores_total", "Answers stored in the semantic cache.");

    public Histogram SemanticCacheLookup { get; } = Prometheus.Metrics.CreateHistogram(
        "gateway_cache_semantic_lookup_seconds", "Time a semantic cache lookup adds: embedding the question and searching its partition.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public Counter LimitRejections { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_limit_rejections_total", "Requests rejected by a per-key limit, by limit.",
        new CounterConfiguration { LabelNames = ["limit"] });

    public Counter StateStoreErrors { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_state_store_errors_total", "Shared-state store failures by store and the policy applied.",
        new CounterConfiguration { LabelNames = ["store", "policy"] });

    public Counter UpstreamRetries { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_upstream_retries_total", "Retried upstream attempts by model.",
        new CounterConfiguration { LabelNames = ["model"] });

    public Gauge PoolLoadedModels { get; } = Prometheus.Metrics.CreateGauge(
        "gateway_pool_loaded_models", "Local models with a running ModelServer.");

    public Gauge PoolModelMemory { get; } = Prometheus.Metrics.CreateGauge(
        "gateway_pool_model_memory_bytes", "Memory charged to each loaded local model.",
        new GaugeConfiguration { LabelNames = ["model"] });

    public Counter PoolRestarts { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_pool_modelserver_restarts_total", "ModelServer restarts after a crash or failed health check.",
        new CounterConfiguration { LabelNames = ["model"] });

    public Gauge PoolRunningSequences { get; } = Prometheus.Metrics.CreateGauge(
        "gateway_pool_running_sequences", "Sequences decoding in each ModelServer.",
        new GaugeConfiguration { LabelNames = ["model"] });

    public Gauge PoolQueueDepth { get; } = Prometheus.Metrics.CreateGauge(
        "gateway_pool_queue_depth", "Requests waiting for a sequence in each ModelServer.",
        new GaugeConfiguration { LabelNames = ["model"] });

    public Counter AgentRuns { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_agent_runs_total", "Agent runs by agent and outcome (completed, gave_up, limit_reached, failed, awaiting_client: paused for the caller's tools).",
        new CounterConfiguration { LabelNames = ["agent", "status"] });

    public Histogram AgentRunDuration { get; } = Prometheus.Metrics.CreateHistogram(
        "gateway_agent_run_duration_seconds", "Time of a whole agent run.",
        new HistogramConfiguration { LabelNames = ["agent"], Buckets = AgentRunBuckets });

    public Counter AgentToolCalls { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_agent_tool_calls_total",
        "Tool calls made by agents, by tool (the gateway's own tools by name; client: the caller's tools; other: a name the gateway does not run) "
        + "and outcome (ok, error, timeout, unknown_tool, client: handed to the caller to run).",
        new CounterConfiguration { LabelNames = ["tool", "status"] });

    public Counter AgentTokens { get; } = Prometheus.Metrics.CreateCounter(
        "gateway_agent_tokens_total", "Tokens spent by agent roles, by agent, role and direction (input, output).",
        new CounterConfiguration { LabelNames = ["agent", "role", "direction"] });
}
