using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gateway.Host.FrontDoor;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Host.Proxy;

/// <summary>
/// Request and response transforms for every proxied call: forward only the caller headers the
/// model allows (<see cref="Gateway.Host.Catalog.CatalogModel.ForwardHeaders"/>; never the caller's virtual key) and send
/// the upstream's own key, map <c>/v1/x</c> onto the model's base URL, time the upstream, and
/// catch upstream server errors so the front door can answer with one that names the model.
/// </summary>
internal static class UpstreamTransforms
{
    private const int MaxUpstreamErrorBytes = 16 * 1024;

    /// <summary>The ModelServer's priority header (<c>batch</c>: admit below interactive requests).</summary>
    public const string BatchPriorityHeader = "x-gateway-priority";

    public static void Apply(TransformBuilderContext context)
    {
        context.UseDefaultForwarders = false;
        // Headers are copied from an allow-list in TransformRequestAsync instead.
        context.CopyRequestHeaders = false;
        context.AddRequestTransform(TransformRequestAsync);
        context.AddResponseTransform(TransformResponseAsync);
    }

    private static ValueTask TransformRequestAsync(RequestTransformContext context)
    {
        // Base URLs end in the API version segment (".../v1"); the route matched "/v1/...".
        if (context.Path.StartsWithSegments("/v1", out var rest))
        {
            context.Path = rest;
        }

        var headers = context.ProxyRequest.Headers;
        var feature = context.HttpContext.Features.Get<GatewayRequestFeature>();
        if (feature?.Model is not { } model)
        {
            return ValueTask.CompletedTask;
        }

        context.ProxyRequest.Options.Set(Resilience.UpstreamResilienceHandler.FeatureKey, feature);
        foreach (var (name, values) in context.HttpContext.Request.Headers)
        {
            if (model.ForwardHeaders.Contains(name))
            {
                headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        // Only the gateway's own batch lines go to a local model's low-priority queue; no caller header can claim it.
        headers.Remove(BatchPriorityHeader);
        if (feature.BatchLine && feature.LocalModelAuthorization is not null)
        {
            headers.TryAddWithoutValidation(BatchPriorityHeader, "batch");
        }

        if (model.IsAnthropic)
        {
            // The request body is already the Messages API's (see ForwardStep); only chat completions get here.
            context.Path = "/messages";
            if (model.UpstreamApiKey is { } apiKey)
            {
                headers.TryAddWithoutValidation("x-api-key", apiKey);
            }

            headers.TryAddWithoutValidation("anthropic-version", model.AnthropicVersion);
        }
        else if ((feature.LocalModelAuthorization ?? model.UpstreamAuthorization) is { } authorization)
        {
            // A local model's server takes the secret of its launch; a remote upstream its configured key.
            headers.TryAddWithoutValidation("Authorization", authorization);
        }

        headers.TryAddWithoutValidation("x-request-id", feature.RequestId);
        feature.SentTimestamp = Stopwatch.GetTimestamp();
        return ValueTask.CompletedTask;
    }

    private static async ValueTask TransformResponseAsync(ResponseTransformContext context)
    {
        var feature = context.HttpContext.Features.Get<GatewayRequestFeature>();
        if (feature is null || context.ProxyResponse is not { } upstream)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        var response = context.HttpContext.Response;
        response.Headers["x-gateway-overhead-ms"] = feature.OverheadMilliseconds(now).ToString("0.###", CultureInfo.InvariantCulture);

        var status = (int)upstream.StatusCode;
        var fallBack = status == StatusCodes.Status429TooManyRequests && feature.HasMoreCandidates;
        if ((status < 500 && !fallBack) || feature.Model is not { } model)
        {
            return;
        }

        context.SuppressResponseBody = true;
        response.Headers.ContentLength = null;
        response.Headers.ContentType = default;
        response.Headers.TransferEncoding = default;
        var message = await ReadUpstreamMessageAsync(upstream, context.CancellationToken);
        feature.UpstreamError = UpstreamErrors.FromUpstreamStatus(model, status, message);
    }

    private static async Task<string?> ReadUpstreamMessageAsync(HttpResponseMessage upstream, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await upstream.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxUpstreamErrorBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
            }

            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.TryGetProperty("error", out var error)
                    && error.ValueKind == JsonValueKind.Object
                    && error.TryGetProperty("message", out var message)
                    && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString();
                }
            }
            catch (JsonException)
            {
                // Not an OpenAI error body; report the text itself.
            }

            return text.Length > 500 ? text[..500] : text.Trim();
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            return null;
        }
    }
}
