using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Metrics;
using Gateway.Host.Resilience;
using Gateway.Host.Routing;
using Gateway.Host.State;
using Gateway.State;
using Microsoft.Extensions.Options;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// After a proxied request, however it ended: its limits reservation is settled to what it used (the upstream's
/// usage, or <see cref="UsageEstimate.Fallback"/> when that never came), a record goes to the feedback store, and
/// metrics record latency, tokens and spend.
/// </summary>
internal sealed partial class RequestAccounting
{
    private readonly GatewayMetrics _metrics;
    private readonly LimitEnforcer _limits;
    private readonly IFeedbackStore _feedback;
    private readonly IOptionsMonitor<FeedbackOptions> _feedbackOptions;
    private readonly TimeProvider _time;
    private readonly ModelTraffic _traffic;
    private readonly ILogger<RequestAccounting> _logger;

    public RequestAccounting(GatewayMetrics metrics, LimitEnforcer limits, IFeedbackStore feedback, IOptionsMonitor<FeedbackOptions> feedbackOptions, TimeProvider time,
        ModelTraffic traffic, ILogger<RequestAccounting> logger)
    {
        _logger = logger;
        _metrics = metrics;
        _traffic = traffic;
        _limits = limits;
        _feedback = feedback;
        _feedbackOptions = feedbackOptions;
        _time = time;
    }

    /// <summary>
    /// What the request used: the upstream's count, else, once the upstream answered with a success, the estimate of
    /// what it forwarded; nothing for a request refused or failed before an answer (an upstream 4xx or 5xx, a
    /// connection that failed), as upstreams bill none.
    /// </summary>
    public static TokenUsage? UsageOf(GatewayRequestFeature feature) =>
        feature.Usage ?? (feature.Model is not null && feature.UpstreamSucceeded ? UsageEstimate.Fallback(feature) : null);

    /// <summary>Settles limits, records feedback and metrics; never throws.</summary>
    public async ValueTask CompleteAsync(HttpContext context, GatewayRequestFeature feature)
    {
        if (feature.StreamFailure is { } failure && feature.Model is { } failed)
        {
            LogStreamFailed(_logger, failure, feature.RequestId, failed.Name, string.Join(", ", failed.Destinations));
        }

        var usage = UsageOf(feature);
        var spend = usage is { } used && feature.Model is { } charged ? Spend(charged.Descriptor, used) : 0m;
        if (feature.Key is { } key && feature.Admitted)
        {
            await _limits.SettleAsync(key, feature.Reservation, usage?.Total ?? 0, spend);
        }

        RecordMetrics(context, feature, usage, spend);
        if (context.Response.StatusCode == StatusCodes.Status200OK && feature.Model is { } model && feature.Key is { } owner && feature.StreamError is null)
        {
            await RecordFeedbackAsync(feature, model, owner, usage);
        }
    }

    private async ValueTask RecordFeedbackAsync(GatewayRequestFeature feature, CatalogModel model, VirtualKey key, TokenUsage? usage)
    {
        var options = _feedbackOptions.CurrentValue;
        if (!options.Enabled || feature.Operation == OpenAIOperation.Embeddings || !(feature.Routed || options.Record == FeedbackScope.All))
        {
            return;
        }

        try
        {
            var text = PromptOf(feature.Operation!.Value, feature.Body);
            var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
            var entry = new RequestRecord(feature.RequestId, hash, options.StorePrompts ? text : null, model.Name,
                usage?.PromptTokens ?? 0, usage?.CompletionTokens ?? 0, _time.GetUtcNow())
            { KeyId = key.Id, TraceId = feature.Span?.TraceId.ToHexString() };
            await _feedback.RecordRequestAsync(entry, options.TimeToLive, CancellationToken.None);
        }
        catch (StateStoreUnavailableException)
        {
            // Feedback is best effort; the answer was served.
        }
    }

    private static string PromptOf(OpenAIOperation operation, ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        return PromptText.Extract(document.RootElement, operation);
    }

    private void RecordMetrics(HttpContext context, GatewayRequestFeature feature, TokenUsage? usage, decimal spend)
    {
        if (feature.Model is not { } model)
        {
            return;
        }

        // Labels go in as spans (collection expressions): no label array per request.
        var modelName = model.Name;
        _traffic.Record(modelName, context.Response.StatusCode, usage?.Total ?? 0);
        if (feature.SentTimestamp == 0)
        {
            return;
        }

        _metrics.Overhead.WithLabels([modelName]).Observe(feature.OverheadMilliseconds(feature.SentTimestamp) / 1000);
        if (feature.FirstByteTimestamp != 0)
        {
            _metrics.TimeToFirstToken.WithLabels([modelName]).Observe(Stopwatch.GetElapsedTime(feature.StartTimestamp, feature.FirstByteTimestamp).TotalSeconds);
        }

        _metrics.Duration.WithLabels([modelName]).Observe(Stopwatch.GetElapsedTime(feature.StartTimestamp).TotalSeconds);
        if (usage is { } counted)
        {
            _metrics.Tokens.WithLabels([modelName, "input"]).Inc(counted.PromptTokens);
            _metrics.Tokens.WithLabels([modelName, "output"]).Inc(counted.CompletionTokens);
            if (spend > 0)
            {
                _metrics.Spend.WithLabels([modelName, feature.Key?.Name ?? "none"]).Inc((double)spend);
            }
        }
    }

    public static decimal Spend(Gateway.Catalog.ModelDescriptor model, TokenUsage usage) =>
        (usage.PromptTokens * model.InputPricePerMTok + usage.CompletionTokens * model.OutputPricePerMTok) / 1_000_000m;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: the upstream of model '{Model}' ({Destinations}) failed mid-answer")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception, string requestId, string model, string destinations);
}
