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

    /// <summary>A 400 <c>invalid_request_error</c> for a request we refuse as sent; <paramref name="param"/> names the field at fault.</summary>
    public static GatewayError BadRequest(string message, string? param = null, string code = "invalid_request") =>
        new(StatusCodes.Status400BadRequest, message, OpenAIErrorTypes.InvalidRequest, param, code);

    /// <summary>A 400 <c>invalid_json</c> for a body that is not JSON; <paramref name="detail"/> says where parsing stopped, never echoing the body.</summary>
    public static GatewayError InvalidJson(string detail) =>
        new(StatusCodes.Status400BadRequest,
            $"We could not parse the JSON body of your request: {detail}", OpenAIErrorTypes.InvalidRequest, null, "invalid_json");

    /// <summary>A 401 <c>missing_api_key</c>: no bearer token came with the request.</summary>
    public static GatewayError MissingKey() =>
        new(StatusCodes.Status401Unauthorized,
            "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.", OpenAIErrorTypes.Authentication, null, "missing_api_key");

    /// <summary>A 401 <c>invalid_api_key</c>: the token is unknown or revoked (the two are not told apart).</summary>
    public static GatewayError InvalidKey() =>
        new(StatusCodes.Status401Unauthorized, "Incorrect API key provided.", OpenAIErrorTypes.Authentication, null, "invalid_api_key");

    /// <summary>A 403 <c>model_not_allowed</c>: the key exists but may not use <paramref name="model"/>.</summary>
    public static GatewayError ModelNotAllowed(string model, string keyName) =>
        new(StatusCodes.Status403Forbidden,
            $"The key '{keyName}' is not allowed to use the model '{model}'.", OpenAIErrorTypes.Permission, "model", "model_not_allowed");

    /// <summary>A 403 <c>admin_required</c>: the endpoint is for admin keys only.</summary>
    public static GatewayError AdminRequired() =>
        new(StatusCodes.Status403Forbidden, "This endpoint needs an admin key.", OpenAIErrorTypes.Permission, null, "admin_required");

    /// <summary>A 404 <c>model_not_found</c>: no model or agent of that name is served here.</summary>
    public static GatewayError ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound,
            $"The model '{model}' does not exist or is not served by this gateway.", OpenAIErrorTypes.InvalidRequest, "model", "model_not_found");

    /// <summary>A 413 <c>request_too_large</c>: the body passed <paramref name="limit"/> bytes and was not read further.</summary>
    public static GatewayError BodyTooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge,
            $"The request body is larger than the limit of {limit} bytes.", OpenAIErrorTypes.InvalidRequest, null, "request_too_large");

    /// <summary>A 404 <c>unknown_url</c> for a path the gateway does not serve.</summary>
    public static GatewayError NotFound(string path) =>
        new(StatusCodes.Status404NotFound, $"Unknown endpoint '{path}'.", OpenAIErrorTypes.InvalidRequest, null, "unknown_url");

    /// <summary>A 405 <c>method_not_allowed</c> for a known path asked with the wrong method.</summary>
    public static GatewayError MethodNotAllowed(string method, string path) =>
        new(StatusCodes.Status405MethodNotAllowed,
            $"Method {method} is not allowed on '{path}'.", OpenAIErrorTypes.InvalidRequest, null, "method_not_allowed");

    /// <summary>An upstream's failure as the caller sees it: its status, our message (never the upstream's address or body).</summary>
    public static GatewayError Upstream(int status, string message, string code = "upstream_error") =>
        new(status, message, OpenAIErrorTypes.Upstream, null, code);

    /// <summary>A 500 that carries only the request id, so a caller can report it and the log holds the detail.</summary>
    public static GatewayError Internal(string requestId) =>
        new(StatusCodes.Status500InternalServerError,
            $"The gateway failed to process the request (request id {requestId}).", OpenAIErrorTypes.Server, null, "internal_error");
}
