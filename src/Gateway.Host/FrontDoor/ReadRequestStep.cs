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
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Feature();
        var body = await RequestBodyReader.ReadAsync(context.Request, options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (body.Error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, body.Error);
            return;
        }

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
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        feature.Parsed = parsed;
        feature.Stream = parsed.Stream;
        feature.StripUsageChunk = parsed.Stream && !parsed.IncludeUsage;
        await next(context);
    }
}
