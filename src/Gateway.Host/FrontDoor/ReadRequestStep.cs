using Gateway.Errors;
using Gateway.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// Reads the body (refusing one over <see cref="GatewayOptions.MaxRequestBodyBytes"/> as it reads) and validates it
/// for the operation; the gateway's own <c>route</c> property is taken out of what upstreams will be sent.
/// </summary>
internal sealed class ReadRequestStep(RequestDelegate next, IOptionsMonitor<GatewayOptions> options)
{
    // Not async when the body has already arrived (the common case for a small request): no state machine then.
    public Task InvokeAsync(HttpContext context)
    {
        var read = RequestBodyReader.ReadAsync(context.Request, options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        return read.IsCompletedSuccessfully ? Continue(context, read.Result) : ContinueAsync(context, read);
    }

    private async Task ContinueAsync(HttpContext context, ValueTask<BodyReadResult> read) => await Continue(context, await read);

    private Task Continue(HttpContext context, BodyReadResult body)
    {
        if (body.Error is not null)
        {
            return GatewayErrorWriter.WriteAsync(context, body.Error);
        }

        var feature = context.Feature();
        feature.SetBody(body.Buffer!, body.Length);
        var operation = feature.Operation!.Value;
        var error = RequestValidator.Validate(feature.Body.Span, operation, out var parsed);
        if (error is null && parsed.RouteStart >= 0)
        {
            // 'route' is for the gateway; upstreams would reject an unknown parameter.
            feature.Body = UpstreamBodies.WithoutRoute(feature.Body.Span, parsed);
            error = RequestValidator.Validate(feature.Body.Span, operation, out parsed);
        }

        if (error is not null)
        {
            return GatewayErrorWriter.WriteAsync(context, error);
        }

        feature.Parsed = parsed;
        feature.Stream = parsed.Stream;
        feature.StripUsageChunk = parsed.Stream && !parsed.IncludeUsage;
        return next(context);
    }
}
