using Gateway.Errors;

namespace Gateway.ModelServer.Api;

/// <summary>A request the server refuses, carried to the endpoint as its OpenAI-shaped error.</summary>
internal sealed class ApiException(GatewayError error) : Exception(error.Message)
{
    public GatewayError Error { get; } = error;

    public int Status => Error.Status;

    public string? Param => Error.Param;

    public static ApiException BadRequest(string message, string? param = null, string? code = null) =>
        new(new GatewayError(StatusCodes.Status400BadRequest, message, OpenAIErrorTypes.InvalidRequest, param, code));
}
