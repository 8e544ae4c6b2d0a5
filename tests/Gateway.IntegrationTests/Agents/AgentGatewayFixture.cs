using Gateway.Agents.Tools;
using Gateway.Inference.Gguf;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.Agents;

/// <summary>
/// A real gateway with agents: the tiny GGUF served by a real ModelServer (noise, but grammar-constrained
/// plans are structurally valid), and scripted role models on a real fake upstream for runs whose
/// every step a test asserts. A second gateway lists the first one's <c>/mcp</c> as an HTTP MCP server.
/// </summary>
public sealed class AgentGatewayFixture : IAsyncLifetime
{
    public const string SelfMcpKeyVariable = "GATEWAY_TEST_SELF_MCP_KEY";

    /// <summary>
    /// The configured admin key the tests call the agents' gateway with: with a key configured the development key is
    /// off from the start, so a test that creates managed keys changes nothing for the others.
    /// </summary>
    public const string AdminKey = "sk-agents-admin";
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-agents-").FullName;

    public GatewayTestHost Gateway { get; private set; } = null!;
    public GatewayTestHost McpClientGateway { get; private set; } = null!;
    public FakeUpstream Scripted { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The first gateway's log: what it says when it refuses a reload is what a test waits on.</summary>
    public ListLoggerProvider Log { get; } = new();

    public string ToolsetDirectory => Path.Combine(_directory, "toolsets");

    public async Task InitializeAsync()
    {
        var model = Path.Combine(_directory, "tiny.gguf");
        TinyModel.Write(model);
        var docs = Directory.CreateDirectory(Path.Combine(_directory, "docs")).FullName;
        // The shipped 'text' toolset, copied so the gateway's toolset folder holds only it.
        var toolset = Directory.CreateDirectory(Path.Combine(ToolsetDirectory, "text")).FullName;
        foreach (var file in Directory.GetFiles(Repository.PathOf("config/toolsets/text")))
        {
            File.Copy(file, Path.Combine(toolset, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(docs, "edison.md"), "Thomas Edison was born in 1847 in Milan, Ohio.\n\nHe held over a thousand patents.");
        Scripted = await FakeUpstream.StartAsync("scripted");
        Scripted.Handler = async context =>
        {
            await ScriptedModel.HandleAsync(context, Scripted.Requests.Last().Body);
        };

        Gateway = await GatewayTestHost.StartAsync(Settings(model, docs), new Dictionary<string, string> { ["agents.json"] = "{}" },
            b => b.Services.AddSingleton<IAgentToolSource, TestToolSource>(), Log);
        Http = Gateway.CreateClient(AdminKey);
        Http.Timeout = TimeSpan.FromMinutes(3);

        Environment.SetEnvironmentVariable(SelfMcpKeyVariable, AdminKey);
        McpClientGateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Routing:ArtifactDirectory"] = Path.Combine(_directory, "no-router"),
            ["Gateway:Models:scripted-planner:BaseUrl"] = Scripted.BaseUrl.ToString(),
            ["Gateway:Models:scripted-solver:BaseUrl"] = Scripted.BaseUrl.ToString(),
            ["Gateway:Tools:Mcp:self:Transport"] = "http",
            ["Gateway:Tools:Mcp:self:Url"] = new Uri(Gateway.BaseAddress, "/mcp").ToString(),
            ["Gateway:Tools:Mcp:self:ApiKeyEnv"] = SelfMcpKeyVariable,
            // The same tools from a child process: this build's gateway executable serving MCP on stdio.
            ["Gateway:Tools:Mcp:local:Transport"] = "stdio",
            ["Gateway:Tools:Mcp:local:Command"] = "dotnet",
            ["Gateway:Tools:Mcp:local:Arguments:0"] = Path.Combine(AppContext.BaseDirectory, "Gateway.Host.dll"),
            ["Gateway:Tools:Mcp:local:Arguments:1"] = "tools",
            ["Gateway:Tools:Mcp:local:Arguments:2"] = "mcp",
            ["Gateway:Tools:Mcp:local:Arguments:3"] = $"--Gateway:ConfigDirectory={_directory}",
            ["Gateway:Agents:over-mcp:Kind"] = "rewoo",
            ["Gateway:Agents:over-mcp:Prompts:Style"] = "paper",
            ["Gateway:Agents:over-mcp:Tools:0"] = "self_calculator",
            ["Gateway:Agents:over-mcp:Roles:planner:Model"] = "scripted-planner",
            ["Gateway:Agents:over-mcp:Roles:solver:Model"] = "scripted-solver",
        });
    }

    private Dictionary<string, string?> Settings(string model, string docs) => new()
    {
        ["Gateway:Keys:admin:Hash"] = global::Gateway.State.KeyHasher.Hash(AdminKey),
        ["Gateway:Keys:admin:Admin"] = "true",
        ["Gateway:Pool:StartTimeout"] = "00:01:00",
        ["Gateway:Routing:ArtifactDirectory"] = Path.Combine(Path.GetDirectoryName(model)!, "no-router"),
        ["Gateway:Routing:DefaultModel"] = "tiny",
        ["Gateway:Models:tiny:Provider"] = "local",
        ["Gateway:Models:tiny:Path"] = model,
        ["Gateway:Models:tiny:ParallelSequences"] = "4",
        ["Gateway:Models:tiny:ContextSize"] = "16384",
        ["Gateway:Models:scripted-planner:BaseUrl"] = Scripted.BaseUrl.ToString(),
        ["Gateway:Models:scripted-solver:BaseUrl"] = Scripted.BaseUrl.ToString(),
        ["Gateway:Models:scripted-umi-planner:BaseUrl"] = Scripted.BaseUrl.ToString(),
        ["Gateway:Tools:Search:Directory"] = docs,
        ["Gateway:Craft:ToolsetDirectory"] = ToolsetDirectory,
        ["Gateway:Models:scripted-coder:BaseUrl"] = Scripted.BaseUrl.ToString(),

        // CRAFT: retrieval over the toolset, the scripted coder's program run in the sandbox.
        ["Gateway:Agents:craft-scripted:Kind"] = "craft",
        ["Gateway:Agents:craft-scripted:Roles:coder:Model"] = "scripted-coder",
        ["Gateway:Agents:craft-scripted:Settings:MaxAttempts"] = "2",

        // CRAFT on the tiny model: its noise holds no program, so every try is rejected and the run says why.
        ["Gateway:Agents:craft-tiny:Kind"] = "craft",
        ["Gateway:Agents:craft-tiny:Roles:coder:Model"] = "tiny",
        ["Gateway:Agents:craft-tiny:Roles:coder:MaxTokens"] = "48",
        ["Gateway:Agents:craft-tiny:Roles:coder:Seed"] = "11",

        // ReWOO with a toolset function as an ordinary tool.
        ["Gateway:Agents:rewoo-toolset:Kind"] = "rewoo",
        ["Gateway:Agents:rewoo-toolset:Prompts:Style"] = "paper",
        ["Gateway:Agents:rewoo-toolset:Tools:0"] = "count_vowels",
        ["Gateway:Agents:rewoo-toolset:Roles:planner:Model"] = "scripted-planner",
        ["Gateway:Agents:rewoo-toolset:Roles:solver:Model"] = "scripted-solver",

        // ReWOO on the tiny model: the plan comes out of a grammar, so it parses whatever the weights say.
        ["Gateway:Agents:rewoo-tiny:Kind"] = "rewoo",
        ["Gateway:Agents:rewoo-tiny:Prompts:Style"] = "paper",
        ["Gateway:Agents:rewoo-tiny:Tools:0"] = "calculator",
        ["Gateway:Agents:rewoo-tiny:Tools:1"] = "clock",
        ["Gateway:Agents:rewoo-tiny:Tools:2"] = "search",
        ["Gateway:Agents:rewoo-tiny:Limits:MaxSteps"] = "3",
        ["Gateway:Agents:rewoo-tiny:Roles:planner:Model"] = "tiny",
        ["Gateway:Agents:rewoo-tiny:Roles:planner:MaxTokens"] = "4000",
        ["Gateway:Agents:rewoo-tiny:Roles:planner:Seed"] = "7",
        ["Gateway:Agents:rewoo-tiny:Roles:solver:Model"] = "auto",
        ["Gateway:Agents:rewoo-tiny:Roles:solver:MaxTokens"] = "16",
        ["Gateway:Agents:rewoo-tiny:Roles:solver:Seed"] = "7",

        // Planner/caller/summarizer: a scripted planner hands off to the tiny model as caller (tools under a grammar) and summarizer.
        ["Gateway:Agents:umi-mixed:Kind"] = "umi",
        ["Gateway:Agents:umi-mixed:Prompts:Style"] = "paper",
        ["Gateway:Agents:umi-mixed:RefineRounds"] = "2",
        ["Gateway:Agents:umi-mixed:Tools:0"] = "calculator",
        ["Gateway:Agents:umi-mixed:Tools:1"] = "search",
        ["Gateway:Agents:umi-mixed:Roles:planner:Model"] = "scripted-umi-planner",
        ["Gateway:Agents:umi-mixed:DefaultRole:Model"] = "tiny",
        ["Gateway:Agents:umi-mixed:DefaultRole:MaxTokens"] = "300",
        ["Gateway:Agents:umi-mixed:DefaultRole:Seed"] = "3",

        ["Gateway:Agents:umi-tiny:Kind"] = "umi",
        ["Gateway:Agents:umi-tiny:Prompts:Style"] = "paper",
        ["Gateway:Agents:umi-tiny:Tools:0"] = "calculator",
        ["Gateway:Agents:umi-tiny:Limits:MaxIterations"] = "2",
        ["Gateway:Agents:umi-tiny:DefaultRole:Model"] = "tiny",
        ["Gateway:Agents:umi-tiny:DefaultRole:MaxTokens"] = "300",
        ["Gateway:Agents:umi-tiny:DefaultRole:Seed"] = "5",

        ["Gateway:Agents:react-tiny:Kind"] = "react",
        ["Gateway:Agents:react-tiny:Prompts:Style"] = "paper",
        ["Gateway:Agents:react-tiny:Tools:0"] = "calculator",
        ["Gateway:Agents:react-tiny:Tools:1"] = "clock",
        ["Gateway:Agents:react-tiny:Limits:MaxIterations"] = "2",
        ["Gateway:Agents:react-tiny:DefaultRole:Model"] = "tiny",
        ["Gateway:Agents:react-tiny:DefaultRole:MaxTokens"] = "64",
        ["Gateway:Agents:react-tiny:DefaultRole:Seed"] = "9",

        // The caller's own tools through each kind, every role scripted (ScriptedModel) so each step can be asserted.
        ["Gateway:Models:scripted-actor:BaseUrl"] = Scripted.BaseUrl.ToString(),
        ["Gateway:Models:scripted-caller:BaseUrl"] = Scripted.BaseUrl.ToString(),
        ["Gateway:Models:scripted-summarizer:BaseUrl"] = Scripted.BaseUrl.ToString(),
        ["Gateway:Agents:react-client:Kind"] = "react",
        ["Gateway:Agents:react-client:Prompts:Style"] = "paper",
        ["Gateway:Agents:react-client:Tools:0"] = "calculator",
        ["Gateway:Agents:react-client:Roles:actor:Model"] = "scripted-actor",
        ["Gateway:Agents:rewoo-client:Kind"] = "rewoo",
        ["Gateway:Agents:rewoo-client:Prompts:Style"] = "paper",
        ["Gateway:Agents:rewoo-client:Tools:0"] = "calculator",
        ["Gateway:Agents:rewoo-client:Roles:planner:Model"] = "scripted-planner",
        ["Gateway:Agents:rewoo-client:Roles:solver:Model"] = "scripted-solver",
        ["Gateway:Agents:umi-client:Kind"] = "umi",
        ["Gateway:Agents:umi-client:Prompts:Style"] = "paper",
        ["Gateway:Agents:umi-client:Tools:0"] = "calculator",
        ["Gateway:Agents:umi-client:Roles:planner:Model"] = "scripted-umi-planner",
        ["Gateway:Agents:umi-client:Roles:caller:Model"] = "scripted-caller",
        ["Gateway:Agents:umi-client:Roles:summarizer:Model"] = "scripted-summarizer",

        ["Gateway:Agents:rewoo-scripted:Kind"] = "rewoo",
        ["Gateway:Agents:rewoo-scripted:Prompts:Style"] = "paper",
        ["Gateway:Agents:rewoo-scripted:Limits:ToolTimeout"] = "00:00:05",
        ["Gateway:Agents:rewoo-scripted:Roles:planner:Model"] = "scripted-planner",
        ["Gateway:Agents:rewoo-scripted:Roles:solver:Model"] = "scripted-solver",
    };

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (McpClientGateway is not null) { await McpClientGateway.DisposeAsync(); }
        if (Gateway is not null) { await Gateway.DisposeAsync(); }
        if (Scripted is not null) { await Scripted.DisposeAsync(); }
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// Agent tests start two gateways and several model servers and keep the CPU busy; they run on their
/// own so the timing-sensitive model-server tests elsewhere are not starved.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AgentCollection
{
    public const string Name = "agents";
}
