using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Errors;

/// <summary>
/// Writes <see cref="GatewayError"/> as <c>{"error":{"message","type","param","code"}}</c>, in that order, with
/// <c>param</c> and <c>code</c> written as <c>null</c> when unset: the one shape every OpenAI error of ours takes,
/// as a response body and as the payload of a server-sent error event.
/// </summary>
public static class GatewayErrorWriter
{
    /// <summary>Bodies are JSON for API clients, never embedded in HTML, so plain quotes stay readable.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Answers with <paramref name="error"/>: its status, <c>application/json</c>, <c>Retry-After</c> in whole seconds
    /// (at least 1) when set. Does nothing once the response has started: a status can no longer be sent.
    /// </summary>
    public static Task WriteAsync(HttpContext context, GatewayError error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        response.Headers.ContentLength = null;
        if (error.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return response.Body.WriteAsync(Serialize(error), context.RequestAborted).AsTask();
    }

    /// <summary>The error's JSON, UTF-8.</summary>
    public static byte[] Serialize(GatewayError error)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", error.Message);
            writer.WriteString("type", error.Type);
            if (error.Param is null) { writer.WriteNull("param"); } else { writer.WriteString("param", error.Param); }
            if (error.Code is null) { writer.WriteNull("code"); } else { writer.WriteString("code", error.Code); }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>An OpenAI-shaped error as a minimal-API result.</summary>
public sealed class ErrorResult(GatewayError error) : IResult
{
    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => GatewayErrorWriter.WriteAsync(httpContext, error);
}
