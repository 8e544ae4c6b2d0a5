using Gateway.Errors;
using Gateway.Host.Api;
using Gateway.Host.Auth;

namespace Gateway.Host.Ui;

/// <summary>
/// The operator console: static files at <c>/ui/</c> (public; they hold no data), and the admin
/// JSON it reads besides the existing APIs: <c>GET /admin/session</c> (is this an admin key?) and
/// <c>GET /admin/overview</c> (the pool at a glance). Every data call needs an admin key.
/// </summary>
internal static class ConsoleEndpoints
{
    // The console loads only its own files and talks only to this gateway.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/ui/{**path}", [HttpMethods.Get, HttpMethods.Head], ServeAsset);

        var admin = endpoints.MapGroup("/admin").RequireAuthorization(GatewayPolicies.Admin).AddEndpointFilter(AdminEndpoints.StateStoreOutageAsync);
        admin.MapGet("/session", SessionAsync);
        admin.MapGet("/overview", OverviewAsync);
        return endpoints;
    }

    private static Task ServeAsset(HttpContext context, string? path)
    {
        // The route matches /ui as well; the page's relative links need the trailing slash.
        if (string.IsNullOrEmpty(path) && !(context.Request.Path.Value ?? string.Empty).EndsWith('/'))
        {
            context.Response.Redirect(context.Request.PathBase + "/ui/");
            return Task.CompletedTask;
        }

        if (ConsoleAssets.Find(path) is not { } asset)
        {
            return GatewayErrorWriter.WriteAsync(context, GatewayError.NotFound(context.Request.Path.Value ?? "/ui/"));
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Content.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(asset.Content, context.RequestAborted).AsTask();
    }

    private static IResult SessionAsync(HttpContext context, KeyStore keys)
    {
        var key = GatewayPolicies.KeyOf(context.User)!;
        return Results.Json(new { @object = "session", key = key.Name, admin = key.Admin, development_key = keys.DevelopmentKeyActive });
    }

    private static async Task<IResult> OverviewAsync(HttpContext context, ConsoleOverview overview)
    {
        var key = GatewayPolicies.KeyOf(context.User)!;
        return Results.Json(await overview.BuildAsync(key.Name, context.RequestAborted));
    }
}
