using System.Diagnostics;
using Gateway.Host.Errors;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// Outermost step: gives every request an id (the caller's <c>x-request-id</c> when it is sane),
/// echoes it on the response, and turns any exception that escapes later steps into an
/// OpenAI-shaped error instead of a bare 500 or a dropped connection.
/// </summary>
internal sealed partial class RequestContextMiddleware
{
    private const int MaxRequestIdLength = 128;
    private readonly RequestDelegate _next;
    private readonly ILogger<RequestContextMiddleware> _logger;

    public RequestContextMiddleware(RequestDelegate next, ILogger<RequestContextMiddleware> logger)
    {
        _next = next;
        _logger = logger;
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
