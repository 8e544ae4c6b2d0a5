using System.Diagnostics;
using Gateway.Host.Catalog;
using Gateway.Host.FrontDoor;

namespace Gateway.Host.Telemetry;

/// <summary>
/// Spans of the upstream side of a request: one per candidate model tried (a fallback is a second such span, with
/// the first one's failure on it), and under it one per HTTP try (a retry is a second try). The try's span is current
/// while the request is sent, so the <c>traceparent</c> the upstream (a ModelServer included) receives names it.
/// </summary>
internal static class UpstreamSpans
{
    public static Activity? StartAttempt(GatewayRequestFeature feature, CatalogModel model, int index)
    {
        if (feature.Span is null)
        {
            return null;
        }

        var span = GatewayTracing.Source.StartActivity(ActivityKind.Client, name: "upstream " + model.Name);
        if (span is null)
        {
            return null;
        }

        feature.AttemptSpan = span;
        span.SetTag(GatewayTracing.RequestModel, model.Name);
        span.SetTag(GatewayTracing.UpstreamModel, model.UpstreamModel);
        span.SetTag(GatewayTracing.ProviderName, model.IsLocal ? "gateway.local" : model.IsAnthropic ? "anthropic" : "openai");
        span.SetTag(GatewayTracing.CandidateIndex, index);
        return span;
    }

    public static void Failed(Activity? span, string reason)
    {
        if (span is not null)
        {
            span.SetTag(GatewayTracing.FallbackReason, reason);
            span.SetTag(GatewayTracing.ErrorType, reason);
            span.SetStatus(ActivityStatusCode.Error);
        }
    }

    public static void Completed(Activity? span, HttpContext context, GatewayRequestFeature feature, string? failure)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(GatewayTracing.HttpStatusCode, context.Response.StatusCode);
        if (RequestAccounting.UsageOf(feature) is { } usage)
        {
            span.SetTag(GatewayTracing.InputTokens, usage.PromptTokens);
            span.SetTag(GatewayTracing.OutputTokens, usage.CompletionTokens);
        }

        if (failure is not null)
        {
            Failed(span, failure);
        }
        else if (context.Response.StatusCode >= 400 || feature.StreamError is not null)
        {
            span.SetStatus(ActivityStatusCode.Error);
        }
    }

    /// <summary>A span for one HTTP try of the current candidate, or null when the request is not traced.</summary>
    public static Activity? StartTry(GatewayRequestFeature feature, HttpRequestMessage request)
    {
        if (feature.AttemptSpan is not { } attempt)
        {
            return null;
        }

        var span = GatewayTracing.Source.StartActivity(ActivityKind.Client, attempt.Context, name: request.Method.Method);
        if (span is null)
        {
            return null;
        }

        feature.UpstreamTries++;
        span.SetTag(GatewayTracing.Try, feature.UpstreamTries);
        if (request.RequestUri is { } uri)
        {
            span.SetTag(GatewayTracing.ServerAddress, uri.Host);
            span.SetTag(GatewayTracing.ServerPort, uri.Port);
        }

        return span;
    }

    public static void TryEnded(Activity span, HttpResponseMessage? response, Exception? exception)
    {
        if (response is not null)
        {
            span.SetTag(GatewayTracing.HttpStatusCode, (int)response.StatusCode);
            if ((int)response.StatusCode >= 400)
            {
                span.SetTag(GatewayTracing.ErrorType, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                span.SetStatus(ActivityStatusCode.Error);
            }
        }
        else if (exception is not null)
        {
            span.SetTag(GatewayTracing.ErrorType, exception.GetType().FullName);
            span.SetStatus(ActivityStatusCode.Error, exception.Message);
        }

        span.Dispose();
    }
}
