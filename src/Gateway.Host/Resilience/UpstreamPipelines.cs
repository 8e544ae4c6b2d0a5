using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Gateway.Host.Catalog;
using Gateway.Host.Metrics;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Gateway.Host.Resilience;

/// <summary>
/// One Polly pipeline per (model, destination): retries of safe failures, a circuit breaker and
/// a time-to-first-byte timeout. Pipelines survive catalog reloads while a model's resilience
/// settings stay the same, so breaker state is not lost to unrelated edits.
/// </summary>
internal sealed class UpstreamPipelines
{
    /// <summary>Longest Retry-After the gateway waits out itself; longer ones go to the next model instead.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Wait before the first retry (doubling, with jitter): long enough for a replica to shed a burst, short against a chat's latency.</summary>
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<(string Model, string Destination), UpstreamPipeline> _pipelines = new();
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _time;

    public UpstreamPipelines(GatewayMetrics metrics, TimeProvider time)
    {
        _metrics = metrics;
        _time = time;
    }

    /// <summary>
    /// Raised with the model's name when one of its destinations' circuit opens (with the break
    /// duration, after which it must be offered again for a probe) or closes (with null).
    /// </summary>
    public event Action<string, TimeSpan?>? CircuitChanged;

    public UpstreamPipeline Get(CatalogModel model, string destination)
    {
        var key = (model.Name, destination);
        if (_pipelines.TryGetValue(key, out var existing) && existing.Settings == model.Resilience)
        {
            return existing;
        }

        var created = Create(model.Name, destination, model.Resilience);
        _pipelines[key] = created;
        return created;
    }

    /// <summary>True while the destination's circuit is open and its break has not yet elapsed.</summary>
    public bool IsBlocked(string model, string destination) =>
        _pipelines.TryGetValue((model, destination), out var pipeline) && pipeline.IsBlocked(_time.GetUtcNow());

    /// <summary>The circuit of a destination (its address's scheme, host and port); closed when it has seen no traffic.</summary>
    public CircuitState CircuitOf(string model, string destination) =>
        _pipelines.TryGetValue((model, destination), out var pipeline) ? pipeline.State.CircuitState : CircuitState.Closed;

    private UpstreamPipeline Create(string model, string destination, UpstreamResilience settings)
    {
        var state = new CircuitBreakerStateProvider();
        var pipeline = new UpstreamPipeline(settings, state);
        var circuitGauge = _metrics.CircuitState.WithLabels(model, destination);
        var retries = _metrics.UpstreamRetries.WithLabels(model);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = FirstRetryDelay,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome, _time.GetUtcNow())),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, _time.GetUtcNow())),
                OnRetry = _ =>
                {
                    retries.Inc();
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = settings.FailureRatio,
            MinimumThroughput = settings.MinimumThroughput,
            SamplingDuration = settings.SamplingDuration,
            BreakDuration = settings.BreakDuration,
            StateProvider = state,
            ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
            OnOpened = args =>
            {
                pipeline.BlockedUntil = _time.GetUtcNow() + args.BreakDuration;
                circuitGauge.Set(2);
                CircuitChanged?.Invoke(model, args.BreakDuration);
                return ValueTask.CompletedTask;
            },
            OnHalfOpened = _ =>
            {
                circuitGauge.Set(1);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                pipeline.BlockedUntil = DateTimeOffset.MinValue;
                circuitGauge.Set(0);
                CircuitChanged?.Invoke(model, null);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(settings.FirstByteTimeout);
        pipeline.Pipeline = builder.Build();
        circuitGauge.Set(0);
        return pipeline;
    }

    /// <summary>Connection failures and 429/502/503: the upstream did not start work, so a retry is safe.</summary>
    private static bool IsRetryable(Outcome<HttpResponseMessage> outcome, DateTimeOffset now) => outcome switch
    {
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => true,
        { Result.StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable } result
            => RetryAfter(result.Result, now) is not { } delay || delay <= MaxRetryAfter,
        _ => false,
    };

    private static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500,
        _ => false,
    };

    private static TimeSpan? RetryAfter(HttpResponseMessage? response, DateTimeOffset now)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>The Retry-After to give a client, in whole seconds, or null.</summary>
    public static string? RetryAfterSeconds(HttpResponseMessage response, DateTimeOffset now) =>
        RetryAfter(response, now) is { } delay ? Math.Ceiling(delay.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null;
}

/// <summary>A destination's pipeline and the state of its circuit.</summary>
internal sealed class UpstreamPipeline
{
    public UpstreamPipeline(UpstreamResilience settings, CircuitBreakerStateProvider state)
    {
        Settings = settings;
        State = state;
    }

    public UpstreamResilience Settings { get; }

    public CircuitBreakerStateProvider State { get; }

    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; set; } = ResiliencePipeline<HttpResponseMessage>.Empty;

    public DateTimeOffset BlockedUntil { get; set; } = DateTimeOffset.MinValue;

    public bool IsBlocked(DateTimeOffset now) => State.CircuitState == CircuitState.Open && now < BlockedUntil;
}
