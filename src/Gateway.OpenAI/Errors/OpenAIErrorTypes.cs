namespace Gateway.Errors;

/// <summary>The <c>error.type</c> values the gateway and the ModelServer return, following the OpenAI API.</summary>
public static class OpenAIErrorTypes
{
    /// <summary>The request is malformed or refers to something that does not exist.</summary>
    public const string InvalidRequest = "invalid_request_error";

    /// <summary>The API key is missing or wrong.</summary>
    public const string Authentication = "authentication_error";

    /// <summary>The key may not use the requested resource.</summary>
    public const string Permission = "permission_error";

    /// <summary>A limit (rate, tokens, budget, queue) was exceeded.</summary>
    public const string RateLimit = "rate_limit_error";

    /// <summary>An upstream model server failed or could not be reached.</summary>
    public const string Upstream = "upstream_error";

    /// <summary>The gateway itself failed.</summary>
    public const string Server = "server_error";
}
