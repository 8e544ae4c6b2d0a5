using Gateway.Craft;
using Gateway.Craft.Agent;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Craft;

public sealed class CraftRegistrationTests
{
    [Fact]
    public async Task AddCraft_NoRedis_FileStoreUnderTheConfigFolderAndBoundSandboxLimits()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:ConfigDirectory"] = Path.GetDirectoryName(CraftFixtures.ToolsetsDirectory),
            ["Gateway:Craft:Sandbox:Timeout"] = "00:00:03",
            ["Gateway:Craft:Sandbox:MaxStatements"] = "12345",
            ["Gateway:Craft:Agent:MaxAttempts"] = "3",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddCraft(configuration).BuildServiceProvider();

        var store = Assert.IsType<FileToolsetStore>(services.GetRequiredService<IToolsetStore>());
        var sandbox = services.GetRequiredService<JsSandbox>();
        var plugins = await services.GetRequiredService<CraftPlugins>().GetAllAsync();

        Assert.Equal(CraftFixtures.ToolsetsDirectory, store.Root);
        Assert.Equal((TimeSpan.FromSeconds(3), 12345), (sandbox.Options.Timeout, sandbox.Options.MaxStatements));
        Assert.Equal(3, services.GetRequiredService<IOptions<CraftOptions>>().Value.Agent.MaxAttempts);
        Assert.NotNull(services.GetRequiredService<CraftAgent>());
        Assert.Equal(["math", "text"], plugins.Select(p => p.Name));
    }

    [Fact]
    public void AddCraft_SandboxLimitOutOfRange_FailsValidation()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Craft:Sandbox:MaxStatements"] = "5",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddCraft(configuration).BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<JsSandbox>());
    }
}
