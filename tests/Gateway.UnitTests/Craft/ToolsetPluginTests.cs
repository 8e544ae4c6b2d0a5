using System.Text.Json;
using Gateway.Craft.Sandbox;
using Gateway.Craft.SemanticKernel;
using Gateway.Craft.Toolsets;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Gateway.UnitTests.Craft;

/// <summary>Toolsets as Semantic Kernel plugins whose functions run in the sandbox.</summary>
public sealed class ToolsetPluginTests : IDisposable
{
    private readonly JsSandbox _sandbox = new(new SandboxOptions { MaxStatements = 10_000, Timeout = TimeSpan.FromSeconds(20) });

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Plugin_ShippedToolset_OneFunctionPerToolWithDocstringAndParameters()
    {
        var toolset = await CraftFixtures.ShippedAsync("text");

        var plugin = ToolsetPlugin.Create(toolset, _sandbox);

        Assert.Equal("text", plugin.Name);
        Assert.Equal(toolset.Tools.Select(t => t.Name).Order(), plugin.Select(f => f.Name).Order());
        var caesar = plugin["caesar_shift"];
        Assert.Equal(toolset.Find("caesar_shift")!.Docstring, caesar.Description);
        Assert.Equal(["text", "shift"], caesar.Metadata.Parameters.Select(p => p.Name));
        Assert.All(caesar.Metadata.Parameters, p => Assert.True(p.IsRequired));
        var schema = ((AIFunction)caesar).JsonSchema.GetRawText();
        Assert.Contains("\"shift\"", schema, StringComparison.Ordinal);
        Assert.Contains("integer", schema, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_ThroughAKernel_RunsTheToolInTheSandbox()
    {
        var kernel = new Kernel();
        kernel.Plugins.Add(ToolsetPlugin.Create(await CraftFixtures.ShippedAsync("text"), _sandbox));

        var vowels = await kernel.InvokeAsync("text", "count_vowels", new KernelArguments { ["text"] = "encyclopedia" });
        // Models send arguments as text; a number-typed parameter is read as JSON.
        var shifted = await kernel.InvokeAsync("text", "caesar_shift", new KernelArguments { ["text"] = "abc", ["shift"] = "1" });
        var fromJson = await kernel.InvokeAsync("text", "caesar_shift", new KernelArguments { ["text"] = "abc", ["shift"] = JsonDocument.Parse("2").RootElement });

        Assert.Equal("5", vowels.GetValue<string>());
        Assert.Equal("\"bcd\"", shifted.GetValue<string>());
        Assert.Equal("\"cde\"", fromJson.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_HostileTool_TypedSandboxErrorAndTheNextCallWorks()
    {
        var spin = new CraftTool
        {
            Name = "spin",
            Docstring = "Never returns.",
            Code = "function spin() { while (true) {} }",
            Example = new ToolExample { Arguments = [] },
        };
        var kernel = new Kernel();
        kernel.Plugins.Add(ToolsetPlugin.Create(Toolset.Create("hostile", [spin]), _sandbox));
        kernel.Plugins.Add(ToolsetPlugin.Create(await CraftFixtures.ShippedAsync("math"), _sandbox));

        var error = await Assert.ThrowsAsync<SandboxException>(() => kernel.InvokeAsync("hostile", "spin"));
        var gcd = await kernel.InvokeAsync("math", "gcd", new KernelArguments { ["a"] = 12, ["b"] = 18 });

        Assert.Equal(SandboxErrorKind.Statements, error.Kind);
        Assert.Contains("Statements", error.Message, StringComparison.Ordinal);
        Assert.Equal("6", gcd.GetValue<string>());
    }
}
