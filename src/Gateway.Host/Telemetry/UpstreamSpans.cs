using System.Diagnostics;
using System.Globalization;
using Gateway.Host.Catalog;
using Gateway.Host.FrontDoor;

namespace Gateway.Host.Telemetry;

/// <summary>
/// Spans of the upstream side of a request: one per upstream attempt, a child of the request's span. An attempt is
/// one HTTP try of one candidate model, so a retry is a second span of the same model (<c>gateway.upstream.try</c>
/// 2) and a fallback a span of the next model; a candidate ruled out before anything was sent (no cluster yet, a
/// body its API cannot take, an open circuit) is a span of its own with the reason. The span is current while its
/// request is sent, so the <c>traceparent</c> the upstream (a ModelServer included) receives names it, and it lasts
/// until the answer has been streamed to the caller.
/// </summary>
/// <remarks>
/// One span per try rather than a candidate span with a try span under it, and no HttpClient span under that (the
/// forwarder's handler sends without one, see <see cref="UpstreamPropagation"/>): a plain request costs two spans fewer.
/// </remarks>
internal static class UpstreamSpans
{
    private static readonly object[] CandidateIndexes = [0, 1, 2, 3, 4, 5, 6, 7];

    /// <summary>Begins candidate <paramref name="index"/>; its spans start with its HTTP tries, the scope ends the last one.</summary>
    public static Attempt StartAttempt(GatewayRequestFeature feature, int index)
    {
        if (feature.Span is null)
        {
            return default;
        }

        feature.CandidateIndex = index;
        return new Attempt(feature);
    }

    /// <summary>The candidate failed before an HTTP try (or its last try failed): the reason goes on its span.</summary>
    public static void Failed(GatewayRequestFeature feature, string reason)
    {
        if (feature.Span is null)
        {
            return;
        }

        // Nothing was sent for this candidate: a span of its own still shows that it was tried.
        var span = feature.TrySpan ?? StartSpan(feature, feature.Model!);
        if (span is null)
        {
            return;
        }

        span.AddTag(GatewayTracing.FallbackReason, reason);
        span.AddTag(GatewayTracing.ErrorType, reason);
        span.SetStatus(ActivityStatusCode.Error);
        EndTry(feature);
    }

    /// <summary>The candidate's answer is done (streamed to the caller or failed): usage and outcome go on its last try.</summary>
    public static void Completed(HttpContext context, GatewayRequestFeature feature, string? failure)
    {
        if (feature.Span is null)
        {
            return;
        }

        if (failure is not null)
        {
            Failed(feature, failure);
            return;
        }

        if (feature.TrySpan is not { } span)
        {
            return;
        }

        if (RequestAccounting.UsageOf(feature) is { } usage)
        {
            span.AddTag(GatewayTracing.InputTokens, usage.PromptTokens);
            span.AddTag(GatewayTracing.OutputTokens, usage.CompletionTokens);
        }

        if (context.Response.StatusCode >= 400 || feature.StreamError is not null)
        {
            span.SetStatus(ActivityStatusCode.Error);
        }

        EndTry(feature);
    }

    /// <summary>A span for one HTTP try of the current candidate (ending the previous try's), or null when the request is not traced.</summary>
    public static Activity? StartTry(GatewayRequestFeature feature, HttpRequestMessage request)
    {
        if (feature.Span is null || feature.Model is not { } model)
        {
            return null;
        }

        EndTry(feature);
        var span = StartSpan(feature, model);
        if (span is null)
        {
            return null;
        }

        feature.UpstreamTries++;
        feature.TrySpan = span;
        if (!span.IsAllDataRequested)
        {
            return span;
        }

        span.AddTag(GatewayTracing.Try, feature.UpstreamTries);
        if (request.RequestUri is { } uri)
        {
            span.AddTag(GatewayTracing.ServerAddress, uri.Host);
            span.AddTag(GatewayTracing.ServerPort, uri.Port);
        }

        return span;
    }

    /// <summary>
    /// The try has its answer's status (or failed). A failed try ends here (its span is stopped once the pipeline
    /// retries or the candidate is given up, with the reason); a successful one lasts while its body streams.
    /// </summary>
    public static void TryAnswered(Activity span, HttpResponseMessage? response, Exception? exception)
    {
        if (response is not null)
        {
            var status = (int)response.StatusCode;
            span.AddTag(GatewayTracing.HttpStatusCode, status);
            if (status < 400)
            {
                return;
            }

            span.AddTag(GatewayTracing.ErrorType, status.ToString(CultureInfo.InvariantCulture));
            span.SetStatus(ActivityStatusCode.Error);
        }
        else if (exception is not null)
        {
            span.AddTag(GatewayTracing.ErrorType, exception.GetType().FullName);
            span.SetStatus(ActivityStatusCode.Error, exception.Message);
        }

        span.SetEndTime(DateTime.UtcNow);
    }

    private static Activity? StartSpan(GatewayRequestFeature feature, CatalogModel model)
    {
        var span = GatewayTracing.Start("upstream " + model.Name, ActivityKind.Client, feature.Span!.Context);
        if (span is null)
        {
            return null;
        }

        if (span.IsAllDataRequested)
        {
            span.AddTag(GatewayTracing.RequestModel, model.Name);
            span.AddTag(GatewayTracing.UpstreamModel, model.UpstreamModel);
            span.AddTag(GatewayTracing.ProviderName, model.IsLocal ? "gateway.local" : model.IsAnthropic ? "anthropic" : "openai");
            var index = feature.CandidateIndex;
            span.AddTag(GatewayTracing.CandidateIndex, index < CandidateIndexes.Length ? CandidateIndexes[index] : index);
        }

        return span;
    }

    /// <remarks>
    /// A try's span is started inside the forwarder's handler and stopped from the front door (or the next try):
    /// where the request's span is current, so stopping it (which makes its parent current) changes nothing.
    /// </remarks>
    private static void EndTry(GatewayRequestFeature feature)
    {
        if (feature.TrySpan is { } span)
        {
            feature.TrySpan = null;
            span.Stop();
        }
    }

    /// <summary>The scope of one candidate: ends its last try's span however the attempt ended.</summary>
    internal readonly struct Attempt(GatewayRequestFeature? feature) : IDisposable
    {
        public void Dispose()
        {
            if (feature is not null)
            {
                EndTry(feature);
            }
        }
    }
}
