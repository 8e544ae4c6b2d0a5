using Gateway.Craft.Agent;
using Gateway.Craft.Sandbox;

namespace Gateway.Craft;

/// <summary>Toolsets, their sandbox and the CRAFT agent (section <c>Gateway:Craft</c>).</summary>
public sealed record CraftOptions
{
    public const string SectionName = "Gateway:Craft";

    /// <summary>Folder of toolsets when Redis is not configured. Default: <c>toolsets</c> in the config folder (<c>config/toolsets</c>).</summary>
    public string? ToolsetDirectory { get; init; }

    public SandboxOptions Sandbox { get; init; } = new();

    public CraftAgentOptions Agent { get; init; } = new();
}
