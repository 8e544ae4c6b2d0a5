namespace Gateway.Inference.Protocol.ToolFormats;

/// <summary>A settled piece of a model's answer, in the order a streaming client receives it.</summary>
public abstract record AssistantDelta
{
    /// <summary>Text of the answer itself (<c>content</c>).</summary>
    public sealed record Content(string Text) : AssistantDelta;

    /// <summary>Text of the model's thinking (<c>reasoning_content</c>), without its tags.</summary>
    public sealed record Reasoning(string Text) : AssistantDelta;

    /// <summary>A tool call has begun: its index among the answer's calls, the id given to it, and the tool's name.</summary>
    public sealed record CallStarted(int Index, string Id, string Name) : AssistantDelta;

    /// <summary>The next piece of call <paramref name="Index"/>'s arguments, raw JSON text as the model wrote it.</summary>
    public sealed record CallArguments(int Index, string Fragment) : AssistantDelta;
}

/// <summary>One parsed tool call.</summary>
public sealed record ParsedToolCall(string Id, string Name, string Arguments);

/// <summary>A whole answer split into its content, its reasoning and its tool calls.</summary>
public sealed record ParsedAssistantMessage(string Content, string Reasoning, IReadOnlyList<ParsedToolCall> ToolCalls)
{
    /// <summary>Gathers streamed deltas into the message they make up.</summary>
    public static ParsedAssistantMessage From(IEnumerable<AssistantDelta> deltas)
    {
        var content = new System.Text.StringBuilder();
        var reasoning = new System.Text.StringBuilder();
        var calls = new List<(string Id, string Name, System.Text.StringBuilder Args)>();
        foreach (var delta in deltas)
        {
            switch (delta)
            {
                case AssistantDelta.Content c: content.Append(c.Text); break;
                case AssistantDelta.Reasoning r: reasoning.Append(r.Text); break;
                case AssistantDelta.CallStarted s: calls.Add((s.Id, s.Name, new())); break;
                case AssistantDelta.CallArguments a: calls[a.Index].Args.Append(a.Fragment); break;
            }
        }
        return new ParsedAssistantMessage(
            content.ToString(),
            reasoning.ToString(),
            [.. calls.Select(c => new ParsedToolCall(c.Id, c.Name, c.Args.Length == 0 ? "{}" : c.Args.ToString()))]);
    }
}
