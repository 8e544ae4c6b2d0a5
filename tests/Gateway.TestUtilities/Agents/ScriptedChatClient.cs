using System.Collections.Concurrent;
using Gateway.Agents.Runtime;
using Microsoft.Extensions.AI;

namespace Gateway.TestUtilities.Agents;

/// <summary>One call a <see cref="ScriptedChatClient"/> received.</summary>
public sealed record ScriptedCall(string Model, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options);

/// <summary>
/// An <see cref="IChatClient"/> whose answers come from <see cref="Respond"/>; it records every call.
/// Usage is reported as 10 prompt tokens per message and 5 completion tokens, so token totals are predictable.
/// </summary>
public sealed class ScriptedChatClient(string model, ConcurrentQueue<ScriptedCall> calls) : IChatClient
{
    public Func<ScriptedCall, ChatResponse> Respond { get; set; } = _ => Text("");

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = new ScriptedCall(model, [.. messages], options);
        calls.Enqueue(call);
        var response = Respond(call);
        response.ModelId ??= model;
        response.Usage ??= new UsageDetails { InputTokenCount = 10 * call.Messages.Count, OutputTokenCount = 5, TotalTokenCount = (10 * call.Messages.Count) + 5 };
        return Task.FromResult(response);
    }

    /// <summary>The scripted response as updates: its text in pieces of 4 characters, then the usage.</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        var text = response.Text;
        for (var i = 0; i < text.Length; i += 4)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, text.Substring(i, Math.Min(4, text.Length - i))) { ModelId = response.ModelId };
        }

        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = [new UsageContent(response.Usage!)], ModelId = response.ModelId };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    public static ChatResponse Text(string text) => new(new ChatMessage(ChatRole.Assistant, text));

    public static ChatResponse ToolCall(string name, IDictionary<string, object?> arguments, string id = "call_1") =>
        new(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(id, name, arguments)]));
}

/// <summary>Scripted role models by name, all recording into one <see cref="Calls"/> queue in call order.</summary>
public sealed class ScriptedModelProvider : IAgentModelProvider
{
    private readonly ConcurrentDictionary<string, ScriptedChatClient> _clients = new(StringComparer.Ordinal);

    public ConcurrentQueue<ScriptedCall> Calls { get; } = new();

    /// <summary>The client for <paramref name="model"/>; set its <see cref="ScriptedChatClient.Respond"/> to script it.</summary>
    public ScriptedChatClient this[string model] => _clients.GetOrAdd(model, m => new ScriptedChatClient(m, Calls));

    public IChatClient GetChatClient(string model) => this[model];
}
