using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Gateway.Craft;

/// <summary>The gateway's OpenAI-compatible front door as an <see cref="IChatClient"/>.</summary>
public static class GatewayChatClient
{
    /// <param name="gateway">The gateway's root (e.g. <c>http://localhost:8080/</c>); requests go to its <c>/v1</c>.</param>
    /// <param name="apiKey">A key the gateway accepts.</param>
    /// <param name="model">The model to ask: <c>auto</c> lets the router choose.</param>
    /// <param name="timeout">How long one request may take.</param>
    public static IChatClient Create(Uri gateway, string apiKey, string model = "auto", TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var root = gateway.AbsoluteUri.TrimEnd('/');
        var endpoint = new Uri(root.EndsWith("/v1", StringComparison.Ordinal) ? root : root + "/v1");
        var options = new OpenAIClientOptions { Endpoint = endpoint, NetworkTimeout = timeout ?? TimeSpan.FromSeconds(120) };
        return new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(apiKey), options).AsIChatClient();
    }
}
