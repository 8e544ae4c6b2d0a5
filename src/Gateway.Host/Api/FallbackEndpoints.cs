using Gateway.Errors;

namespace Gateway.Host.Api;

/// <summary>
/// Unknown paths and wrong methods get 404 and 405 answers: in Anthropic's error shape under <c>/v1/messages</c>
/// (where Anthropic's SDKs read them), OpenAI-shaped everywhere else.
/// </summary>
internal static class FallbackEndpoints
{
    private static readonly HashSet<string> KnownPaths = new(StringComparer.OrdinalIgnoreCase)
    {
        "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models", "/v1/route", "/v1/feedback", "/admin/keys", "/health", "/alive",
    };

    public static IEndpointRouteBuilder MapFallbackEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFallback(context =>
        {
            var path = context.Request.Path.Value ?? "/";
            if (context.Request.Path.StartsWithSegments("/v1/messages", StringComparison.OrdinalIgnoreCase))
            {
                var trimmed = path.TrimEnd('/');
                var known = trimmed.Equals("/v1/messages", StringComparison.OrdinalIgnoreCase)
                    || trimmed.Equals("/v1/messages/count_tokens", StringComparison.OrdinalIgnoreCase);
                if (known)
                {
                    context.Response.Headers.Allow = "POST";
                }

                return Anthropic.AnthropicErrors.WriteAsync(context, known ? GatewayError.MethodNotAllowed(context.Request.Method, path) : GatewayError.NotFound(path));
            }

            var error = KnownPaths.Contains(path.TrimEnd('/'))
                ? GatewayError.MethodNotAllowed(context.Request.Method, path)
                : GatewayError.NotFound(path);
            return GatewayErrorWriter.WriteAsync(context, error);
        });
        return endpoints;
    }
}
