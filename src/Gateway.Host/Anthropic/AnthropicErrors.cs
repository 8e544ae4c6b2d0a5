using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Gateway.Errors;

namespace Gateway.Host.Anthropic;

/// <summary>Marks an endpoint that speaks Anthropic's Messages API, so refusals before it (authentication) take Anthropic's error shape.</summary>
internal sealed class AnthropicApiEndpoint
{
    public static readonly AnthropicApiEndpoint Instance = new();
}

/// <summary>
/// Anthropic's error envelope, <c>{"type":"error","error":{"type","message"}}</c>, and its error types, chosen by
/// HTTP status as Anthropic's API does: 400 <c>invalid_request_error</c>, 401 <c>authentication_error</c>, 403
/// <c>permission_error</c>, 404 <c>not_found_error</c>, 413 <c>request_too_large</c>, 429 <c>rate_limit_error</c>,
/// 503 and 529 <c>overloaded_error</c>, 504 <c>timeout_error</c>, any other status <c>api_error</c> (or
/// <c>invalid_request_error</c> for another 4xx).
/// </summary>
internal static class AnthropicErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RequestTooLarge = "request_too_large";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";
    public const string Overloaded = "overloaded_error";
    public const string Timeout = "timeout_error";

    /// <summary>The error type Anthropic's API gives a status.</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => InvalidRequest,
        401 => Authentication,
        403 => Permission,
        404 => NotFound,
        413 => RequestTooLarge,
        429 => RateLimit,
        503 or 529 => Overloaded,
        504 => Timeout,
        >= 400 and < 500 => InvalidRequest,
        _ => Api,
    };

    /// <summary>
    /// The type for an error met mid-stream, where there is no status to go by: from the OpenAI-shaped error's
    /// <c>type</c> (a limit is a rate limit, a refused request an invalid one), else <c>api_error</c>.
    /// </summary>
    public static string TypeForOpenAIType(string? type) => type switch
    {
        OpenAIErrorTypes.RateLimit => RateLimit,
        OpenAIErrorTypes.InvalidRequest => InvalidRequest,
        OpenAIErrorTypes.Authentication => Authentication,
        OpenAIErrorTypes.Permission => Permission,
        _ => Api,
    };

    /// <summary>The envelope's JSON, UTF-8.</summary>
    public static byte[] Serialize(string type, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, GatewayErrorWriter.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteStartObject("error");
            writer.WriteString("type", type);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Answers with <paramref name="error"/> in Anthropic's shape: its status, its message, <c>Retry-After</c> when set.</summary>
    public static Task WriteAsync(HttpContext context, GatewayError error) =>
        WriteAsync(context, error.Status, TypeFor(error.Status), error.Message, error.RetryAfter);

    public static Task WriteAsync(HttpContext context, int status, string type, string message, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers.ContentLength = null;
        if (retryAfter is { } after)
        {
            response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return response.Body.WriteAsync(Serialize(type, message), context.RequestAborted).AsTask();
    }

    /// <summary>
    /// The message of an OpenAI-shaped error body (<c>{"error":{"message"}}</c>), as the front door answers; null when
    /// the body is not one. The body is the gateway's own, so its message never carries an upstream's text.
    /// </summary>
    public static string? OpenAIMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                   && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
