using System.Security.Cryptography;
using System.Text;
using Gateway.Errors;

namespace Gateway.ModelServer.Api;

/// <summary>
/// Every request carries <c>Authorization: Bearer KEY</c> with the server's <see cref="ModelServerOptions.ApiKey"/>,
/// or gets a 401 in OpenAI's error shape before any endpoint runs. <c>GET /alive</c> alone is open: it reads one flag
/// and says <c>ok</c> or <c>stalled</c>, so a liveness probe that cannot carry a secret still works.
/// </summary>
internal static class ApiKeyAuthentication
{
    public const string AlivePath = "/alive";

    public static IApplicationBuilder UseApiKey(this IApplicationBuilder app, string key)
    {
        // Hashes have one length whatever was sent, so the comparison takes the same time for any wrong key.
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes("Bearer " + key));
        return app.Use(async (context, next) =>
        {
            var request = context.Request;
            if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Path.Equals(AlivePath, StringComparison.Ordinal))
            {
                await next(context);
                return;
            }
            var sent = request.Headers.Authorization.ToString();
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(sent)), expected))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await GatewayErrorWriter.WriteAsync(context, ModelServerErrors.MissingKey());
                return;
            }
            await next(context);
        });
    }
}
