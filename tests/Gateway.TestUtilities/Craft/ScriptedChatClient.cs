using Microsoft.Extensions.AI;

namespace Gateway.TestUtilities.Craft;

/// <summary>
/// An <see cref="IChatClient"/> whose replies come from <see cref="Reply"/>, given the messages of each call; records
/// every call. Throwing from <see cref="Reply"/> plays a failed model call.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> _calls = [];
    private readonly Lock _gate = new();

    public Func<IReadOnlyList<ChatMessage>, string> Reply { get; set; } = _ => "";

    public IReadOnlyList<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Calls
    {
        get { lock (_gate) { return _calls.ToList(); } }
    }

    /// <summary>The text of the last user message of a call.</summary>
    public static string LastUser(IReadOnlyList<ChatMessage> messages) => messages.Last(m => m.Role == ChatRole.User).Text;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        lock (_gate)
        {
            _calls.Add((list, options));
        }

        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Reply(list))));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
