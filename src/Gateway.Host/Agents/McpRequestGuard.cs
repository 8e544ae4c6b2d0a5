using System.Buffers;
using System.Text.Json;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Agents;

/// <summary>
/// Endpoint filter in front of the MCP SDK's <c>/mcp</c> handler. The body is read here within
/// <see cref="GatewayOptions.MaxRequestBodyBytes"/> and checked as every other body is (UTF-8, no half surrogate pairs,
/// no property named twice, <see cref="JsonLimits.MaxDepth"/>), because the SDK reads whatever it is sent
/// and fails with an exception, not a JSON-RPC error, on text it cannot decode and on <c>initialize</c> parameters it
/// cannot bind. Those answers are JSON-RPC errors with a 4xx status.
/// </summary>
internal static class McpRequestGuard
{
    private const int ParseError = -32700;
    private const int InvalidParams = -32602;

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false, MaxDepth = JsonLimits.MaxDepth };

    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            var limit = context.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.MaxRequestBodyBytes;
            var body = await RequestBodyReader.ReadAsync(context.Request, limit, context.RequestAborted);
            if (body.Error is not null)
            {
                return Error(body.Error.Status, ParseError, body.Error.Message);
            }

            var bytes = body.Buffer.AsSpan(0, body.Length).ToArray();
            ArrayPool<byte>.Shared.Return(body.Buffer!);
            try
            {
                using var _ = JsonDocument.Parse(bytes, StrictJson);
            }
            catch (JsonException ex)
            {
                return Error(StatusCodes.Status400BadRequest, ParseError, "The message is not valid JSON-RPC: " + ex.Message);
            }

            context.Request.Body = new MemoryStream(bytes, writable: false);
            context.Request.ContentLength = bytes.Length;
        }

        try
        {
            return await next(invocation);
        }
        catch (JsonException ex) when (!context.Response.HasStarted)
        {
            return Error(StatusCodes.Status400BadRequest, InvalidParams, "Invalid params: " + ex.Message);
        }
    }

    private static IResult Error(int status, int code, string message) =>
        Results.Json(new { jsonrpc = "2.0", id = (object?)null, error = new { code, message } }, statusCode: status);
}
