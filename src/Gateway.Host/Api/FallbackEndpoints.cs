using Gateway.Errors;

namespace Gateway.Host.Api;

/// <summary>Unknown paths and wrong methods get OpenAI-shaped 404 and 405 answers.</summary>
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
            var error = KnownPaths.Contains(path.TrimEnd('/'))
                ? GatewayError.MethodNotAllowed(context.Request.Method, path)
                : GatewayError.NotFound(path);
            return GatewayErrorWriter.WriteAsync(context, error);
        });
        return endpoints;
    }
}
