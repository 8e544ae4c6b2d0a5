using Microsoft.AspNetCore.Http;

namespace Gateway.Errors;

/// <summary>
/// An OpenAI-shaped error: HTTP status plus the <c>error</c> object's fields, written by <see cref="GatewayErrorWriter"/>
/// as a response body or a server-sent error event. The factories are the gateway's own answers; the ModelServer and
/// the agents build theirs with the constructor.
/// </summary>
public sealed record GatewayError(int Status, string Message, string Type, string? Param = null, string? Code = null)
{
    /// <summary>Sent as <c>Retry-After</c> when set.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static GatewayError BadRequest(string message, string? param = null, string code = "invalid_request") =>
        new(StatusCodes.Status400BadRequest, message, OpenAIErrorTypes.InvalidRequest, param, code);

    public static GatewayError InvalidJson(string detail) =>
        new(StatusCodes.Status400BadRequest,
            $"We could not parse the JSON body of your request: {detail}", OpenAIErrorTypes.InvalidRequest, null, "invalid_json");

    public static GatewayError MissingKey() =>
        new(StatusCodes.Status401Unauthorized,
            "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.", OpenAIErrorTypes.Authentication, null, "missing_api_key");

    public static GatewayError InvalidKey() =>
        new(StatusCodes.Status401Unauthorized, "Incorrect API key provided.", OpenAIErrorTypes.Authentication, null, "invalid_api_key");

    public static GatewayError ModelNotAllowed(string model, string keyName) =>
        new(StatusCodes.Status403Forbidden,
            $"The key '{keyName}' is not allowed to use the model '{model}'.", OpenAIErrorTypes.Permission, "model", "model_not_allowed");

    public static GatewayError AdminRequired() =>
        new(StatusCodes.Status403Forbidden, "This endpoint needs an admin key.", OpenAIErrorTypes.Permission, null, "admin_required");

    public static GatewayError ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound,
            $"The model '{model}' does not exist or is not served by this gateway.", OpenAIErrorTypes.InvalidRequest, "model", "model_not_found");

    public static GatewayError BodyTooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge,
            $"The request body is larger than the limit of {limit} bytes.", OpenAIErrorTypes.InvalidRequest, null, "request_too_large");

    public static GatewayError NotFound(string path) =>
        new(StatusCodes.Status404NotFound, $"Unknown endpoint '{path}'.", OpenAIErrorTypes.InvalidRequest, null, "unknown_url");

    public static GatewayError MethodNotAllowed(string method, string path) =>
        new(StatusCodes.Status405MethodNotAllowed,
            $"Method {method} is not allowed on '{path}'.", OpenAIErrorTypes.InvalidRequest, null, "method_not_allowed");

    public static GatewayError Upstream(int status, string message, string code = "upstream_error") =>
        new(status, message, OpenAIErrorTypes.Upstream, null, code);

    public static GatewayError Internal(string requestId) =>
        new(StatusCodes.Status500InternalServerError,
            $"The gateway failed to process the request (request id {requestId}).", OpenAIErrorTypes.Server, null, "internal_error");
}
