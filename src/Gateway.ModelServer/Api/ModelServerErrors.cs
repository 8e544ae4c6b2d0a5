using Gateway.Errors;

namespace Gateway.ModelServer.Api;

/// <summary>The server's answers that are not about a mistake in the request (those are <see cref="ApiException"/>s).</summary>
internal static class ModelServerErrors
{
    /// <summary>429 with <c>Retry-After: 1</c>: the queue is full; the client should come back shortly.</summary>
    public static GatewayError Overloaded() =>
        new(StatusCodes.Status429TooManyRequests, "The model is busy: all sequences are decoding and the queue is full. Retry shortly.",
            OpenAIErrorTypes.RateLimit, null, "model_overloaded")
        { RetryAfter = TimeSpan.FromSeconds(1) };

    /// <summary>A generation the engine could not finish: the answer of a non-streamed request, the last event of a streamed one.</summary>
    public static GatewayError GenerationFailed(string message) =>
        new(StatusCodes.Status500InternalServerError, message, OpenAIErrorTypes.Server, null, "generation_failed");

    /// <summary>A request without the server's key.</summary>
    public static GatewayError MissingKey() =>
        new(StatusCodes.Status401Unauthorized, "This model server needs its API key: send 'Authorization: Bearer KEY'.",
            OpenAIErrorTypes.InvalidRequest, null, "invalid_api_key");
}
