using System.Diagnostics;
using System.Globalization;
using Gateway.Errors;
using Gateway.Host.Metrics;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// Outermost step: gives every request an id (the caller's <c>x-request-id</c> when it is sane),
/// echoes it on the response, turns any exception that escapes later steps into an
/// OpenAI-shaped error instead of a bare 500 or a dropped connection, and counts every answer,
/// refusals included, in <c>gateway_http_requests_total</c>.
/// </summary>
internal sealed partial class RequestContextMiddleware
{
    private const int MaxRequestIdLength = 128;
    private static readonly string[] StatusLabels = Enumerable.Range(0, 600).Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray();
    private static readonly object[] StatusValues = Enumerable.Range(0, 600).Select(s => (object)s).ToArray();
    private readonly RequestDelegate _next;
    private readonly ILogger<RequestContextMiddleware> _logger;
    private readonly GatewayMetrics _metrics;

    public RequestContextMiddleware(RequestDelegate next, ILogger<RequestContextMiddleware> logger, GatewayMetrics metrics)
    {
        _next = next;
        _logger = logger;
        _metrics = metrics;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var requestId = SanitizedRequestId(context.Request.Headers["x-request-id"]) ?? NewRequestId();
        var feature = new GatewayRequestFeature(requestId, start);
        context.Features.Set(feature);
        context.Response.Headers["x-request-id"] = requestId;
        try
        {
            await _next(context);
        }
        catch (BadHttpRequestException ex)
        {
            var error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? GatewayError.BodyTooLarge(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0)
                : GatewayError.BadRequest(ex.Message);
            await GatewayErrorWriter.WriteAsync(context, error);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception ex)
        {
            LogUnhandled(_logger, ex, requestId);
            await GatewayErrorWriter.WriteAsync(context, GatewayError.Internal(requestId));
        }
        finally
        {
            Count(context, feature);
            TagServerSpan(context);
        }
    }

    // ASP.NET Core's server span carries the request's HTTP attributes but not the answer's status; it gets it here,
    // only when the span is recorded.
    private static void TagServerSpan(HttpContext context)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpActivityFeature>()?.Activity is { IsAllDataRequested: true } server)
        {
            var status = context.Response.StatusCode;
            server.SetTag("http.response.status_code", status is >= 0 and < 600 ? StatusValues[status] : status);
        }
    }

    private void Count(HttpContext context, GatewayRequestFeature feature)
    {
        if (RouteLabel(feature, context.Request.Path) is not { } route)
        {
            return;
        }

        // Labels come from the gateway, never from the caller: a catalog model, an agent that exists, or "none".
        var status = context.Response.StatusCode;
        var model = feature.Model?.Name ?? (context.Response.Headers["x-gateway-model"] is { Count: 1 } header ? header.ToString() : "none");
        _metrics.Requests.WithLabels([route, model, status is >= 0 and < 600 ? StatusLabels[status] : "other"]).Inc();
    }

    /// <summary>The metric's route label: the API a request was for, or null for health probes and console files.</summary>
    internal static string? RouteLabel(GatewayRequestFeature feature, PathString path)
    {
        if (feature.Operation is { } operation)
        {
            return operation switch
            {
                OpenAIOperation.ChatCompletions => "chat_completions",
                OpenAIOperation.Completions => "completions",
                _ => "embeddings",
            };
        }

        var value = path.Value ?? "/";
        return value switch
        {
            _ when value.StartsWith("/v1/chat/completions", StringComparison.OrdinalIgnoreCase) => "chat_completions",
            _ when value.StartsWith("/v1/completions", StringComparison.OrdinalIgnoreCase) => "completions",
            _ when value.StartsWith("/v1/embeddings", StringComparison.OrdinalIgnoreCase) => "embeddings",
            _ when value.StartsWith("/v1/responses", StringComparison.OrdinalIgnoreCase) => "responses",
            _ when value.StartsWith("/v1/messages", StringComparison.OrdinalIgnoreCase) => "messages",
            _ when value.StartsWith("/v1/route", StringComparison.OrdinalIgnoreCase) => "route",
            _ when value.StartsWith("/v1/feedback", StringComparison.OrdinalIgnoreCase) => "feedback",
            _ when value.StartsWith("/v1/models", StringComparison.OrdinalIgnoreCase) => "models",
            _ when value.StartsWith("/v1/agents", StringComparison.OrdinalIgnoreCase) => "agents",
            _ when value.StartsWith("/mcp", StringComparison.OrdinalIgnoreCase) => "mcp",
            _ when value.StartsWith("/admin", StringComparison.OrdinalIgnoreCase) => "admin",
            _ when value.StartsWith("/metrics", StringComparison.OrdinalIgnoreCase) => "metrics",
            _ when value.StartsWith("/ui", StringComparison.OrdinalIgnoreCase)
                || value.Equals("/alive", StringComparison.OrdinalIgnoreCase)
                || value.Equals("/health", StringComparison.OrdinalIgnoreCase) => null,
            _ => "other",
        };
    }

    private static string? SanitizedRequestId(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxRequestIdLength)
        {
            return null;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return null;
            }
        }

        return value;
    }

    private static string NewRequestId() => "req_" + Guid.NewGuid().ToString("N");

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error for request {RequestId}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string requestId);
}
