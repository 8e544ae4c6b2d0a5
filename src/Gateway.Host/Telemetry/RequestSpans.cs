using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Host.FrontDoor;

namespace Gateway.Host.Telemetry;

/// <summary>
/// The attributes of a front-door request's span (GenAI semantic conventions): set once the request ends, from what
/// the front door already learned, so tracing adds no parsing of its own unless content recording is on.
/// </summary>
internal static class RequestSpans
{
    private static readonly object True = true;
    private static readonly object False = false;

    public static void Start(Activity span, GatewayRequestFeature feature, TelemetryOptions options)
    {
        feature.Span = span;
        if (!span.IsAllDataRequested)
        {
            return;
        }

        span.AddTag(GatewayTracing.RequestId, feature.RequestId);
        if (options.RecordContent)
        {
            // The answer is kept as it streams past, as for the response cache.
            feature.CaptureBody = true;
        }
    }

    // Each attribute is set once, so AddTag (an append) rather than SetTag (which first looks for the name).
    public static void Complete(Activity span, HttpContext context, GatewayRequestFeature feature, TelemetryOptions options)
    {
        if (!span.IsAllDataRequested)
        {
            return;
        }

        var parsed = feature.Parsed;
        var operation = span.OperationName;
        if (parsed.Model is { } requested)
        {
            span.DisplayName = operation + " " + requested;
            span.AddTag(GatewayTracing.RequestModel, requested);
            span.AddTag(GatewayTracing.Stream, parsed.Stream ? True : False);
            if (parsed.MaxTokens is { } maxTokens)
            {
                span.AddTag(GatewayTracing.RequestMaxTokens, maxTokens);
            }

            if (parsed.Choices != 1)
            {
                span.AddTag(GatewayTracing.RequestChoiceCount, parsed.Choices);
            }
        }

        span.AddTag(GatewayTracing.OperationName, operation);
        if (feature.Key is { } key)
        {
            span.AddTag(GatewayTracing.KeyName, key.Name);
        }

        if (feature.Routed)
        {
            span.AddTag(GatewayTracing.Routed, True);
        }

        if (feature.Model is { } model)
        {
            span.AddTag(GatewayTracing.ResponseModel, model.Name);
        }

        if (RequestAccounting.UsageOf(feature) is { } usage)
        {
            span.AddTag(GatewayTracing.InputTokens, usage.PromptTokens);
            span.AddTag(GatewayTracing.OutputTokens, usage.CompletionTokens);
        }

        var status = context.Response.StatusCode;
        span.AddTag(GatewayTracing.HttpStatusCode, status);
        if (status >= 400 || feature.StreamError is not null)
        {
            span.AddTag(GatewayTracing.ErrorType, feature.StreamError is not null ? "stream_error" : status.ToString(CultureInfo.InvariantCulture));
            span.SetStatus(ActivityStatusCode.Error);
        }

        if (options.RecordContent)
        {
            RecordContent(span, feature, options.MaxContentLength);
        }
    }

    private static void RecordContent(Activity span, GatewayRequestFeature feature, int maxLength)
    {
        if (!feature.Body.IsEmpty && InputOf(feature.Body) is { } input)
        {
            span.AddTag(GatewayTracing.InputMessages, Truncate(input, maxLength));
        }

        if (feature.CapturedBody is { IsEmpty: false } answer)
        {
            span.AddTag(GatewayTracing.OutputMessages, Truncate(Encoding.UTF8.GetString(answer.Span), maxLength));
        }
    }

    /// <summary>The request's <c>messages</c>, <c>prompt</c> or <c>input</c> as JSON text (the body was validated before).</summary>
    private static string? InputOf(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var name in (ReadOnlySpan<string>)["messages", "prompt", "input"])
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value))
                {
                    return value.GetRawText();
                }
            }
        }
        catch (JsonException)
        {
            // A body refused by validation: nothing to record.
        }

        return null;
    }

    private static string Truncate(string text, int maxLength) => text.Length <= maxLength ? text : text[..maxLength];
}
