using Gateway.Craft.Agent;
using Gateway.Craft.Sandbox;

namespace Gateway.Craft;

/// <summary>Toolsets, their sandbox and the CRAFT agent (section <c>Gateway:Craft</c>).</summary>
public sealed record CraftOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:Craft";

    /// <summary>Folder of toolsets when Redis is not configured. Default: <c>toolsets</c> in the config folder (<c>config/toolsets</c>).</summary>
    public string? ToolsetDirectory { get; init; }

    /// <summary>Limits of the JavaScript sandbox tools run in (<c>Gateway:Craft:Sandbox</c>, validated on start). Default: the <see cref="SandboxOptions"/> defaults.</summary>
    public SandboxOptions Sandbox { get; init; } = new();

    /// <summary>Settings of the CRAFT agent (<c>Gateway:Craft:Agent</c>). Default: the <see cref="CraftAgentOptions"/> defaults.</summary>
    public CraftAgentOptions Agent { get; init; } = new();
}
