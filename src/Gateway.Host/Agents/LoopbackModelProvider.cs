using System.ClientModel;
using System.ClientModel.Primitives;
using Gateway.Agents.Runtime;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Gateway.Host.Agents;

/// <summary>
/// Chat clients for one run that call the gateway's own front door over loopback with the caller's
/// key: each role's request is authenticated, limited, routed (<c>auto:&lt;profile&gt;</c>) and
/// metered like any client's, and Semantic Kernel / Microsoft.Extensions.AI code sees a plain OpenAI endpoint.
/// </summary>
internal sealed class LoopbackModelProvider : IAgentModelProvider
{
    private readonly OpenAIClient _client;
    private readonly Dictionary<string, IChatClient> _clients = new(StringComparer.Ordinal);

    public LoopbackModelProvider(Uri apiBase, string callerKey, HttpClient http, TimeSpan timeout)
    {
        _client = new OpenAIClient(new ApiKeyCredential(callerKey), new OpenAIClientOptions
        {
            Endpoint = apiBase,
            Transport = new HttpClientPipelineTransport(http),
            NetworkTimeout = timeout,
            // The role's own limits and the caller's budget apply; a retry would spend them twice.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });
    }

    public IChatClient GetChatClient(string model)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(model, out var client))
            {
                client = _client.GetChatClient(model).AsIChatClient().AsBuilder().UseExactJsonSchema().Build();
                _clients[model] = client;
            }

            return client;
        }
    }
}
