using Microsoft.Extensions.AI;

namespace Gateway.Agents.Tools;

/// <summary>
/// What prompts and tool-calling requests need to know about a tool, whoever runs it: the gateway
/// (<see cref="AgentTool"/>) or the caller (<see cref="ClientTool"/>).
/// </summary>
public interface IToolDescription
{
    /// <summary>The tool's name, unique among the tools one run is offered; models call the tool by it.</summary>
    string Name { get; }

    /// <summary>A declaration for OpenAI tool calling (<c>tools</c>), under the tool's name.</summary>
    AITool Declaration { get; }

    /// <summary>One line for prompts: <c>name[input]: description</c>.</summary>
    string PromptLine { get; }
}
