using System.Security.Claims;
using System.Text.Encodings.Web;
using Gateway.Errors;
using Gateway.Host.Anthropic;
using Gateway.Host.FrontDoor;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Auth;

/// <summary>
/// Names of the gateway's authentication scheme and authorization policies. Every endpoint that serves a
/// caller names one of the policies, so authentication runs (and fails) before any endpoint reads a body.
/// </summary>
internal static class GatewayPolicies
{
    public const string Scheme = "VirtualKey";

    /// <summary>Any valid virtual key.</summary>
    public const string Key = "gateway.key";

    /// <summary>A virtual key with <c>Admin</c> set.</summary>
    public const string Admin = "gateway.admin";

    /// <summary>The caller's key, once authenticated.</summary>
    public static VirtualKey? KeyOf(ClaimsPrincipal? user) => (user?.Identity as VirtualKeyIdentity)?.Key;

    public static IServiceCollection AddVirtualKeyAuthentication(this IServiceCollection services)
    {
        // ASP.NET Core registers the authorization services as transient, so every request would build the evaluator's
        // whole object graph again through the container. The default implementations hold no per-request state, so
        // one instance each serves every request (registered first: AddAuthorization only adds what is missing).
        services.AddSingleton<IAuthorizationHandlerProvider, DefaultAuthorizationHandlerProvider>();
        services.AddSingleton<IAuthorizationEvaluator, DefaultAuthorizationEvaluator>();
        services.AddSingleton<IAuthorizationHandlerContextFactory, DefaultAuthorizationHandlerContextFactory>();
        services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        services.AddSingleton<IPolicyEvaluator, PolicyEvaluator>();
        services.AddAuthentication(GatewayPolicies.Scheme)
            .AddScheme<AuthenticationSchemeOptions, VirtualKeyAuthenticationHandler>(Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Key, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(Admin, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => KeyOf(c.User)?.Admin == true));
        return services;
    }
}

/// <summary>The identity of a caller authenticated by a virtual key.</summary>
internal sealed class VirtualKeyIdentity(VirtualKey key) : ClaimsIdentity(GatewayPolicies.Scheme, nameType: null, roleType: null)
{
    public VirtualKey Key { get; } = key;

    public override string Name => Key.Name;
}

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> (or <c>x-api-key: &lt;key&gt;</c>) against <see cref="KeyStore"/>.
/// A request without either header is anonymous (an endpoint that names a policy then answers 401); a wrong key, or a key store that cannot
/// be reached (503), fails with the error the challenge writes (OpenAI-shaped; Anthropic-shaped on the Messages API). Forbidden answers say an admin key is
/// needed.
/// </summary>
/// <remarks>
/// The gateway's own batch lines authenticate as their batch's owner instead (<see cref="Batches.BatchLineAuthority"/>):
/// a request that carries the batch-line header without this process's secret is refused as an invalid key.
/// </remarks>
internal sealed class VirtualKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, KeyStore keys, Batches.BatchLineAuthority batchLines)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var batchLine = Request.Headers.ContainsKey(Batches.BatchLineAuthority.LineHeader);
        if (!batchLine && Request.Headers.Authorization.Count == 0 && !Request.Headers.ContainsKey(KeyStore.ApiKeyHeader))
        {
            return AuthenticateResult.NoResult();
        }

        if (batchLine && (!batchLines.IsSecret(Request.Headers[Batches.BatchLineAuthority.LineHeader].ToString())
            || Request.Headers[Batches.BatchLineAuthority.KeyHashHeader].ToString() is not { Length: 64 }))
        {
            return AuthenticateResult.Fail(new KeyAuthenticationException(GatewayError.InvalidKey()));
        }

        var (key, error) = batchLine
            ? await keys.AuthenticateHashAsync(Request.Headers[Batches.BatchLineAuthority.KeyHashHeader].ToString(), Context.RequestAborted)
            : await keys.AuthenticateAsync(Request, Context.RequestAborted);
        if (error is not null)
        {
            return AuthenticateResult.Fail(new KeyAuthenticationException(error));
        }

        if (Context.Features.Get<GatewayRequestFeature>() is { } feature)
        {
            feature.Key = key;
            feature.BatchLine = batchLine;
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new VirtualKeyIdentity(key!)), GatewayPolicies.Scheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var error = (result.Failure as KeyAuthenticationException)?.Error ?? GatewayError.MissingKey();
        await WriteAsync(error);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => WriteAsync(GatewayError.AdminRequired());

    /// <summary>In the shape of the API the endpoint speaks: Anthropic's for the Messages API, OpenAI's elsewhere.</summary>
    private Task WriteAsync(GatewayError error) =>
        Context.GetEndpoint()?.Metadata.GetMetadata<AnthropicApiEndpoint>() is not null
            ? AnthropicErrors.WriteAsync(Context, error.Code == "missing_api_key"
                ? error with { Message = "You didn't provide an API key. Send it as 'x-api-key: <key>' or 'Authorization: Bearer <key>'." }
                : error)
            : GatewayErrorWriter.WriteAsync(Context, error);
}

/// <summary>An authentication failure that carries the answer to send.</summary>
internal sealed class KeyAuthenticationException(GatewayError error) : Exception(error.Message)
{
    public GatewayError Error { get; } = error;
}
