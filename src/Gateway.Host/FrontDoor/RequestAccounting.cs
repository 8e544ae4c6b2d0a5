using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Host.Metrics;
using Gateway.Host.Routing;
using Gateway.Host.State;
using Gateway.State;
using Microsoft.Extensions.Options;

namespace Gateway.Host.FrontDoor;

/// <summary>Section <c>Gateway:Feedback</c>: what is remembered of requests so that feedback can score them.</summary>
public sealed class FeedbackOptions
{
    /// <summary>Record answered requests for <c>POST /v1/feedback</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Which requests are recorded: <c>Routed</c> (default: those the router chose a model for, the
    /// ones feedback can teach it about) or <c>All</c> (explicit model requests too, at a cost per request).
    /// </summary>
    public FeedbackScope Record { get; set; } = FeedbackScope.Routed;

    /// <summary>Keep the prompt text (needed to retrain the router from feedback); otherwise only its hash.</summary>
    public bool StorePrompts { get; set; } = true;

    /// <summary>How long a request can still be scored.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Which requests the gateway remembers for feedback.</summary>
public enum FeedbackScope
{
    /// <summary>Requests with <c>model: "auto"</c> or a routing profile.</summary>
    Routed,

    /// <summary>Every answered chat or completion request.</summary>
    All,
}

/// <summary>
/// After a proxied request: its tokens and spend go to the key's limits, a record goes to the
/// feedback store, and metrics record latency, tokens and spend.
/// </summary>
internal sealed class RequestAccounting
{
    private static readonly string[] StatusLabels = Enumerable.Range(0, 600).Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray();
    private readonly GatewayMetrics _metrics;
    private readonly LimitEnforcer _limits;
    private readonly IFeedbackStore _feedback;
    private readonly IOptionsMonitor<FeedbackOptions> _feedbackOptions;
    private readonly TimeProvider _time;
    private readonly ModelTraffic _traffic;

    public RequestAccounting(GatewayMetrics metrics, LimitEnforcer limits, IFeedbackStore feedback, IOptionsMonitor<FeedbackOptions> feedbackOptions, TimeProvider time, ModelTraffic traffic)
    {
        _metrics = metrics;
        _traffic = traffic;
        _limits = limits;
        _feedback = feedback;
        _feedbackOptions = feedbackOptions;
        _time = time;
    }

    /// <summary>Records usage against limits and for feedback, once the answer is complete.</summary>
    public async ValueTask RecordAsync(HttpContext context, OpenAIOperation operation, GatewayRequestFeature feature)
    {
        if (feature.Model is not { } model || context.Response.StatusCode != StatusCodes.Status200OK || feature.Key is not { } key)
        {
            return;
        }

        var options = _feedbackOptions.CurrentValue;
        var limited = key.Limits is not null && feature.Usage is not null;
        var record = options.Enabled && operation != OpenAIOperation.Embeddings && (feature.Routed || options.Record == FeedbackScope.All);
        if (!limited && !record)
        {
            return;
        }

        // Recorded before the answer completes, so a client can score it at once.
        if (record && feature.Prompt is { } prompt)
        {
            var text = PromptOf(prompt.Operation, prompt.Body.Span);
            var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
            var entry = new RequestRecord(feature.RequestId, hash, options.StorePrompts ? text : null, model.Name,
                feature.Usage?.PromptTokens ?? 0, feature.Usage?.CompletionTokens ?? 0, _time.GetUtcNow());
            try
            {
                await _feedback.RecordRequestAsync(entry, options.TimeToLive, CancellationToken.None);
            }
            catch (StateStoreUnavailableException)
            {
                // Feedback is best effort; the answer was served.
            }
        }

        if (limited)
        {
            var usage = feature.Usage!.Value;
            var recording = _limits.RecordAsync(key, usage.Total, Spend(model.Descriptor, usage));
            if (!recording.IsCompleted)
            {
                _ = recording.AsTask();
            }
        }
    }

    private static string PromptOf(OpenAIOperation operation, ReadOnlySpan<byte> body)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        return PromptText.Extract(document.RootElement, operation);
    }

    public void Complete(HttpContext context, OpenAIOperation operation, GatewayRequestFeature feature)
    {
        var status = context.Response.StatusCode;
        var modelName = feature.Model?.Name ?? "none";
        _metrics.Requests.WithLabels(OperationLabel(operation), modelName, status is >= 0 and < 600 ? StatusLabels[status] : "other").Inc();
        if (feature.Model is not null)
        {
            _traffic.Record(modelName, status, feature.Usage?.Total ?? 0);
        }

        if (feature.Model is not { } model || feature.SentTimestamp == 0)
        {
            return;
        }

        _metrics.Overhead.WithLabels(modelName).Observe(feature.OverheadMilliseconds(feature.SentTimestamp) / 1000);
        if (feature.FirstByteTimestamp != 0)
        {
            _metrics.TimeToFirstToken.WithLabels(modelName).Observe(Stopwatch.GetElapsedTime(feature.StartTimestamp, feature.FirstByteTimestamp).TotalSeconds);
        }

        _metrics.Duration.WithLabels(modelName).Observe(Stopwatch.GetElapsedTime(feature.StartTimestamp).TotalSeconds);
        if (feature.Usage is { } usage)
        {
            _metrics.Tokens.WithLabels(modelName, "input").Inc(usage.PromptTokens);
            _metrics.Tokens.WithLabels(modelName, "output").Inc(usage.CompletionTokens);
            var spend = Spend(model.Descriptor, usage);
            if (spend > 0)
            {
                _metrics.Spend.WithLabels(modelName, feature.Key?.Name ?? "none").Inc((double)spend);
            }
        }
    }

    public static decimal Spend(Gateway.Catalog.ModelDescriptor model, Resilience.TokenUsage usage) =>
        (usage.PromptTokens * model.InputPricePerMTok + usage.CompletionTokens * model.OutputPricePerMTok) / 1_000_000m;

    private static string OperationLabel(OpenAIOperation operation) => operation switch
    {
        OpenAIOperation.ChatCompletions => "chat_completions",
        OpenAIOperation.Completions => "completions",
        _ => "embeddings",
    };
}
