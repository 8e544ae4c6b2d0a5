using Gateway.Errors;
using Gateway.Inference.Pool;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Inference.Admin;

/// <summary>Admin endpoints over the pool: list, load and unload local models.</summary>
public static class LocalModelAdminEndpoints
{
    /// <summary>
    /// Maps <c>GET {prefix}</c>, <c>GET {prefix}/{name}</c>, <c>POST {prefix}/{name}/load</c>,
    /// <c>POST {prefix}/{name}/unload</c> and <c>POST {prefix}/{name}/apply-template</c> (a chat request in, the
    /// prompt the model's chat template renders out). Returns the group so the caller can require authorization.
    /// </summary>
    public static RouteGroupBuilder MapLocalModelAdmin(this IEndpointRouteBuilder app, string prefix = "/admin/local-models")
    {
        var group = app.MapGroup(prefix);
        group.MapGet("/", (ModelPool pool) => Results.Json(pool.List()));
        group.MapGet("/{name}", (string name, ModelPool pool) => Guard(() => Results.Json(pool.Get(name))));
        group.MapPost("/{name}/load", async (string name, ModelPool pool, CancellationToken cancellation) =>
            await GuardAsync(async () => Results.Json(await pool.LoadAsync(name, cancellation))));
        group.MapPost("/{name}/unload", async (string name, ModelPool pool, CancellationToken cancellation) =>
            await GuardAsync(async () =>
            {
                var stopped = await pool.UnloadAsync(name, cancellation);
                return Results.Json(new { model = name, unloaded = stopped, state = pool.Get(name) });
            }));
        group.MapPost("/{name}/apply-template", async (string name, HttpRequest request, ModelPool pool, ModelTemplateClient client, CancellationToken cancellation) =>
            await GuardAsync(() => client.ApplyAsync(pool, name, request, cancellation)));
        return group;
    }

    /// <summary>The OpenAI-shaped error for a pool failure: 404 for an unknown model, 503 (with Retry-After) while one cannot serve.</summary>
    public static IResult ToResult(Exception exception) => exception switch
    {
        UnknownModelException e => Error(StatusCodes.Status404NotFound, e.Message, OpenAIErrorTypes.InvalidRequest, "model_not_found", null),
        ModelUnavailableException e => Error(StatusCodes.Status503ServiceUnavailable, e.Message, OpenAIErrorTypes.Server, "model_unavailable", e.RetryAfter),
        _ => throw new ArgumentException("Not a pool error.", nameof(exception)),
    };

    private static IResult Guard(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is UnknownModelException or ModelUnavailableException)
        {
            return ToResult(e);
        }
    }

    private static async Task<IResult> GuardAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is UnknownModelException or ModelUnavailableException)
        {
            return ToResult(e);
        }
    }

    private static ErrorResult Error(int status, string message, string type, string code, TimeSpan? retryAfter) =>
        new(new GatewayError(status, message, type, "model", code) { RetryAfter = retryAfter });
}
