using System.Text.Json;

namespace Gateway.Host.Errors;

/// <summary>Writes <see cref="GatewayError"/> as <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class GatewayErrorWriter
{
    /// <summary>Bodies are JSON for API clients, never embedded in HTML, so plain quotes stay readable.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
            response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response.Body.WriteAsync(Serialize(error), context.RequestAborted).AsTask();
    }

    public static byte[] Serialize(GatewayError error)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
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
