using System.Text.Json.Serialization;
using Gateway.Agents.Tools;

namespace Gateway.Agents.Runtime;

/// <summary>
/// The caller's own tools offered to a run (<c>tools</c> of a chat request, unless <c>tool_choice</c> is <c>none</c>).
/// <paramref name="ParallelCalls"/> false (<c>parallel_tool_calls: false</c>) asks for at most one call per answer.
/// </summary>
public sealed record ClientToolOffer(IReadOnlyList<ClientTool> Tools, bool ParallelCalls = true)
{
    /// <summary>No caller tools: what every run without a <c>tools</c> request field gets.</summary>
    public static ClientToolOffer None { get; } = new([]);

    /// <summary>
    /// Why <paramref name="agent"/> cannot take this offer, or null: its kind cannot pause for the caller, or a
    /// tool's name is one of the agent's own tools (the request is rejected rather than one of the two hidden).
    /// </summary>
    public ClientToolRejection? Check(string agent, IAgentKind kind, IReadOnlyList<AgentTool> own)
    {
        if (Tools.Count == 0)
        {
            return null;
        }

        if (!kind.SupportsClientTools)
        {
            return new($"The agent '{agent}' (kind '{kind.Kind}') cannot call the caller's tools: it cannot pause a run for the caller. "
                + "Send no 'tools', or 'tool_choice': 'none'.", "client_tools_unsupported");
        }

        var clash = Tools.FirstOrDefault(t => own.Any(o => o.Name == t.Name));
        return clash is null ? null
            : new($"The tool '{clash.Name}' has the name of one of the agent '{agent}''s own tools ({string.Join(", ", own.Select(o => o.Name))}); "
                + "rename it.", "tool_name_conflict");
    }
}

/// <summary>Why a run refuses the caller's tools: a message for the caller and a machine-readable code.</summary>
public sealed record ClientToolRejection(string Message, string Code);

/// <summary>A call of one of the caller's tools that the run hands back to the caller (an OpenAI <c>tool_calls</c> entry).</summary>
/// <param name="Id">The <c>tool_call_id</c> the caller answers with.</param>
/// <param name="Name">The caller's tool to run, as the caller declared it.</param>
/// <param name="Arguments">The arguments as a JSON object in a string, as OpenAI sends them.</param>
/// <param name="Step">The run's step that made the call (<c>E3</c>, <c>T2</c>), as in the trace's steps.</param>
public sealed record ClientToolCall(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("arguments")] string Arguments,
    [property: JsonPropertyName("step")] string Step);
