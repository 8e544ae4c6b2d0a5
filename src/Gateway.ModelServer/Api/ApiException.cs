using System.Text.Json.Nodes;

namespace Gateway.ModelServer.Api;

/// <summary>A request the server refuses, carried to the endpoint as an OpenAI-shaped error.</summary>
internal sealed class ApiException(int status, string message, string? param = null, string? code = null, string type = "invalid_request_error")
    : Exception(message)
{
    public int Status { get; } = status;
    public string? Param { get; } = param;
    public string? Code { get; } = code;
    public string Type { get; } = type;

    public static ApiException BadRequest(string message, string? param = null, string? code = null) => new(400, message, param, code);

    public JsonObject ToBody() => OpenAiErrors.Body(Message, Type, Param, Code);
}

internal static class OpenAiErrors
{
    public static JsonObject Body(string message, string type, string? param, string? code) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = type,
            ["param"] = param,
            ["code"] = code,
        },
    };

    public static IResult Result(ApiException e) => Results.Json(e.ToBody(), statusCode: e.Status);

    public static IResult Overloaded() => new OverloadedResult();

    /// <summary>429 with Retry-After: the queue is full; the client should come back shortly.</summary>
    private sealed class OverloadedResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "1";
            return Results.Json(
                Body("The model is busy: all sequences are decoding and the queue is full. Retry shortly.", "rate_limit_error", null, "model_overloaded"),
                statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(httpContext);
        }
    }
}
