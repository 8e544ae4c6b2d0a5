using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Tools;

/// <summary>One tool an agent can call: a Semantic Kernel function under a unique name.</summary>
public sealed record AgentTool(string Name, string Source, KernelFunction Function) : IToolDescription
{
    /// <summary>What the tool does, from its Semantic Kernel function; shown to models in prompts and declarations.</summary>
    public string Description => Function.Description;

    /// <summary>The JSON schema of the tool's arguments.</summary>
    public JsonElement ParametersSchema => Function.JsonSchema;

    /// <summary>A declaration for OpenAI tool calling (<c>tools</c>), under this tool's name.</summary>
    public AITool Declaration => AIFunctionFactory.CreateDeclaration(Name, Description, ParametersSchema);

    /// <summary>The parameter a plain-text input (a ReWOO step's input) binds to: the first required one, else the first.</summary>
    public string? PrimaryParameter =>
        (Function.Metadata.Parameters.FirstOrDefault(p => p.IsRequired) ?? (Function.Metadata.Parameters.Count > 0 ? Function.Metadata.Parameters[0] : null))?.Name;

    /// <summary>One line for prompts: <c>name[input]: description</c>.</summary>
    public string PromptLine => $"{Name}[{PrimaryParameter ?? ""}]: {Description}";
}
