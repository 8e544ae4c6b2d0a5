using System.Diagnostics;
using System.Globalization;
using Gateway.Host.Metrics;

namespace Gateway.Host.FrontDoor;

/// <summary>After a proxied request: metrics for latency, tokens and spend.</summary>
internal sealed class RequestAccounting
{
    private static readonly string[] StatusLabels = Enumerable.Range(0, 600).Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray();
    private readonly GatewayMetrics _metrics;

    public RequestAccounting(GatewayMetrics metrics) => _metrics = metrics;

    public void Complete(HttpContext context, OpenAIOperation operation, GatewayRequestFeature feature)
    {
        var status = context.Response.StatusCode;
        var modelName = feature.Model?.Name ?? "none";
        _metrics.Requests.WithLabels(OperationLabel(operation), modelName, status is >= 0 and < 600 ? StatusLabels[status] : "other").Inc();
        if (feature.Model is not { } model || feature.SentTimestamp == 0)
        {
            return;
        }

        _metrics.Overhead.WithLabels(modelName).Observe(Stopwatch.GetElapsedTime(feature.StartTimestamp, feature.SentTimestamp).TotalSeconds);
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
