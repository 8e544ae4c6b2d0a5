using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.State;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Api;

/// <summary>
/// Admin API (admin keys only): create, list and revoke managed keys (shared by every replica when
/// Redis is configured), see a key's usage against its limits, and export routing feedback as
/// <c>outcomes.jsonl</c> for router retraining.
/// </summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin").RequireAuthorization(GatewayPolicies.Admin).AddEndpointFilter(StateStoreOutageAsync);
        admin.MapPost("/keys", CreateKeyAsync);
        admin.MapGet("/keys", ListKeysAsync);
        admin.MapDelete("/keys/{name}", RevokeKeyAsync);
        admin.MapGet("/keys/{name}/usage", UsageAsync);
        admin.MapGet("/feedback/export", ExportFeedbackAsync);
        return endpoints;
    }

    /// <summary>Endpoint filter: state-store outages become 503.</summary>
    public static async ValueTask<object?> StateStoreOutageAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        try
        {
            return await next(invocation);
        }
        catch (StateStoreUnavailableException ex)
        {
            return new ErrorResult(GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable, $"{ex.Message} Retry shortly.", "state_store_unavailable"));
        }
    }

    /// <summary>Longest budget period a managed key may have: ten years of hours, far inside what a <see cref="TimeSpan"/> holds.</summary>
    internal const int MaxBudgetPeriodHours = 87_600;

    private sealed record CreateKeyRequest(
        string? Name, List<string>? Models, bool Admin, int? RequestsPerMinute, long? TokensPerMinute,
        decimal? BudgetUsd, double? BudgetPeriodHours, bool Cache, bool SemanticCache, double? SemanticCacheThreshold, string? CacheTenant);

    /// <summary>Longest cache tenant name a managed key may carry.</summary>
    internal const int MaxCacheTenantLength = 100;

    private static async Task<IResult> CreateKeyAsync(HttpContext context, KeyStore keys, TimeProvider time, IOptionsMonitor<GatewayOptions> options)
    {
        var (document, bodyError) = await RequestBodyReader.ReadJsonAsync(context.Request, options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (document is null)
        {
            return new ErrorResult(bodyError!);
        }

        CreateKeyRequest? request;
        using (document)
        {
            try
            {
                request = document.Deserialize<CreateKeyRequest>(SnakeCase);
            }
            catch (JsonException ex)
            {
                return new ErrorResult(GatewayError.InvalidJson(ex.Message));
            }
        }

        if (request?.Name is not { Length: > 0 and <= 100 } name || name.Any(c => char.IsWhiteSpace(c) || c == '/'))
        {
            return new ErrorResult(GatewayError.BadRequest("'name' is required: 1-100 characters, no spaces or slashes.", "name"));
        }

        if (request.RequestsPerMinute is <= 0 || request.TokensPerMinute is <= 0 || request.BudgetUsd is < 0 || request.BudgetPeriodHours is <= 0)
        {
            return new ErrorResult(GatewayError.BadRequest("Limits must be positive.", "limits"));
        }

        if (request.BudgetPeriodHours is > MaxBudgetPeriodHours)
        {
            return new ErrorResult(GatewayError.BadRequest($"'budget_period_hours' must be at most {MaxBudgetPeriodHours} (ten years).", "budget_period_hours"));
        }

        if (request.SemanticCacheThreshold is { } threshold && !(threshold >= State.SemanticCacheOptions.MinThreshold && threshold <= 1))
        {
            return new ErrorResult(GatewayError.BadRequest(
                $"'semantic_cache_threshold' must be from {State.SemanticCacheOptions.MinThreshold} to 1.", "semantic_cache_threshold"));
        }

        if (request.CacheTenant is { } tenant && (tenant.Length is 0 or > MaxCacheTenantLength || tenant.Any(char.IsControl) || string.IsNullOrWhiteSpace(tenant)))
        {
            return new ErrorResult(GatewayError.BadRequest($"'cache_tenant' must be 1-{MaxCacheTenantLength} printable characters.", "cache_tenant"));
        }

        var secret = "sk-gw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var limits = new KeyLimits(request.RequestsPerMinute, request.TokensPerMinute, request.BudgetUsd,
            request.BudgetPeriodHours is { } hours ? TimeSpan.FromHours(hours) : null);
        var stored = new StoredKey(name, KeyHasher.Hash(secret), request.Models ?? [], request.Admin, limits, time.GetUtcNow(), Cache: request.Cache,
            SemanticCache: request.SemanticCache, SemanticCacheThreshold: request.SemanticCacheThreshold, CacheTenant: request.CacheTenant);
        if (!await keys.Managed.CreateAsync(stored, context.RequestAborted))
        {
            return new ErrorResult(new GatewayError(StatusCodes.Status409Conflict, $"A key named '{name}' exists.", OpenAIErrorTypes.InvalidRequest, "name", "key_exists"));
        }

        // The development key is public: once a managed key exists it stops working (on other replicas within a second).
        keys.ManagedKeyCreated();

        return Results.Json(new { @object = "key", name, key = secret, models = stored.Models, admin = stored.Admin, created_at = stored.CreatedAt }, statusCode: 201);
    }

    private static async Task<IResult> ListKeysAsync(HttpContext context, KeyStore keys)
    {
        var managed = await keys.Managed.ListAsync(context.RequestAborted);
        return Results.Json(new
        {
            @object = "list",
            data = managed.Select(k => new
            {
                name = k.Name,
                models = k.Models,
                admin = k.Admin,
                revoked = k.Revoked,
                created_at = k.CreatedAt,
                hash_prefix = k.Hash[..8],
                source = "managed",
                limits = new { requests_per_minute = k.Limits.RequestsPerMinute, tokens_per_minute = k.Limits.TokensPerMinute, budget_usd = k.Limits.BudgetUsd },
                cache = k.Cache,
                semantic_cache = k.SemanticCache,
                semantic_cache_threshold = k.SemanticCacheThreshold,
                cache_tenant = k.CacheTenant,
            }),
        });
    }

    private static async Task<IResult> RevokeKeyAsync(HttpContext context, string name, KeyStore keys) =>
        await keys.Managed.RevokeAsync(name, context.RequestAborted)
            ? Results.Json(new { @object = "key.revoked", name })
            : new ErrorResult(new GatewayError(StatusCodes.Status404NotFound, $"No managed key named '{name}'.", OpenAIErrorTypes.InvalidRequest, "name", "key_not_found"));

    private static async Task<IResult> UsageAsync(HttpContext context, string name, KeyStore keys, ILimitStore limits)
    {
        var stored = (await keys.Managed.ListAsync(context.RequestAborted)).FirstOrDefault(k => k.Name == name);
        if (stored is null)
        {
            return new ErrorResult(new GatewayError(StatusCodes.Status404NotFound, $"No managed key named '{name}'.", OpenAIErrorTypes.InvalidRequest, "name", "key_not_found"));
        }

        var states = await limits.PeekAsync(VirtualKey.FromStored(stored).Id, stored.Limits, context.RequestAborted);
        return Results.Json(new
        {
            @object = "key.usage",
            name,
            limits = states.Select(s => new { limit = s.Kind.ToString().ToLowerInvariant(), max = s.Limit, remaining = s.Remaining, reset_seconds = s.ResetIn.TotalSeconds }),
        });
    }

    private static async Task ExportFeedbackAsync(HttpContext context, IFeedbackStore feedback)
    {
        context.Response.ContentType = "application/x-ndjson";
        await foreach (var outcome in feedback.ExportAsync(context.RequestAborted))
        {
            var line = JsonSerializer.Serialize(new
            {
                id = outcome.Request.RequestId,
                split = "train",
                task = "feedback",
                prompt = outcome.Request.Prompt ?? string.Empty,
                prompt_hash = outcome.Request.PromptHash,
                scores = new Dictionary<string, double> { [outcome.Request.Model] = outcome.Score },
            });
            await context.Response.WriteAsync(line + "\n", context.RequestAborted);
        }
    }

    private static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
