using System.ClientModel;
using System.ClientModel.Primitives;
using Gateway.Agents;
using Gateway.Agents.Configuration;
using Gateway.Agents.Runtime;
using Gateway.Agents.Tools;
using Gateway.Configuration;
using Gateway.Craft;
using Gateway.Routing.Aptitude;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using OpenAI;

namespace Gateway.Cli.Agents.Traces;

/// <summary>One item run through an agent with the oracle as every role model.</summary>
internal sealed record ExportedRun(AptitudeItem Item, string Answer, bool Correct, IReadOnlyList<TraceLine> Lines, AgentTrace Trace);

/// <summary>
/// Runs the real agents (their kinds, prompts, tools and the OpenAI client pipeline the gateway uses for roles) over
/// aptitude items, with each role's model played by <see cref="TraceOracle"/> from the item's reference plan, and
/// records every role call. The agents are the configured ones (<c>Gateway:Agents</c>, with the same configuration
/// files as the server); the tools are the gateway's: built-in, MCP and the stored toolsets.
/// </summary>
internal sealed class TraceExporter : IDisposable
{
    /// <summary>The roles of each kind the exporter can play.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Roles = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["rewoo"] = ["planner", "solver"],
        ["umi"] = ["planner", "caller", "summarizer"],
        ["react"] = ["actor"],
    };

    private readonly IHost _host;
    private readonly OracleHandler _handler = new();
    private readonly OracleModels _models;
    private readonly AgentRunner _runner;

    private TraceExporter(IHost host)
    {
        _host = host;
        _models = new OracleModels(_handler);
        _runner = host.Services.GetRequiredService<AgentRunner>();
    }

    /// <summary>The endpoint the role models are reached at; a test may answer it with recorded completions instead.</summary>
    public OracleHandler Handler => _handler;

    /// <summary>The configured agents of a kind the exporter plays, by name, as they will run here.</summary>
    public IReadOnlyDictionary<string, AgentOptions> Agents => _host.Services.GetRequiredService<IAgentDefinitions>().Current.Agents;

    /// <summary>Builds the agent runtime from the configuration (files under <paramref name="contentRoot"/> and <paramref name="configurationArgs"/>).</summary>
    public static TraceExporter Create(IReadOnlyList<string> configurationArgs, string contentRoot)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. configurationArgs],
            ContentRootPath = contentRoot,
        });
        ConfigurationFiles.Register(builder.Configuration, contentRoot);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAgentRuntime();
        builder.Services.AddCraft(builder.Configuration, contentRoot);
        builder.Services.AddSingleton<IAgentToolSource, ToolsetSource>();
        builder.Services.AddSingleton<IAgentDefinitions>(new OracleDefinitions(OracleAgents(builder.Configuration)));
        return new TraceExporter(builder.Build());
    }

    /// <summary>Runs <paramref name="item"/> through the agent <paramref name="agent"/>, the oracle answering every role call.</summary>
    public Task<ExportedRun> RunAsync(string agent, AptitudeItem item, CancellationToken cancellationToken)
    {
        var kind = Agents.TryGetValue(agent, out var definition) ? definition.Kind : throw new ArgumentException($"No agent '{agent}' of kind rewoo, umi or react is configured.", nameof(agent));
        _handler.Respond = (role, request) => TraceOracle.Complete(kind.ToLowerInvariant(), role, item, request);
        return RecordAsync(agent, item, cancellationToken);
    }

    /// <summary>Runs the agent with whatever <see cref="Handler"/> answers now, and records the calls.</summary>
    public async Task<ExportedRun> RecordAsync(string agent, AptitudeItem item, CancellationToken cancellationToken)
    {
        var kind = Agents[agent].Kind.ToLowerInvariant();
        _handler.Take();
        var result = await _runner.RunAsync(agent, [new ChatMessage(ChatRole.User, item.Prompt)], _models, null, cancellationToken);
        var lines = _handler.Take().Select(c => new TraceLine(agent, kind, c.Role, item, c.Request, c.Completion)).ToArray();
        var answer = result.Trace.Answer;
        return new ExportedRun(item, answer, result.ErrorCode is null && item.Score(answer) == 1, lines, result.Trace);
    }

    public void Dispose()
    {
        _host.Dispose();
        _handler.Dispose();
    }

    /// <summary>The configured rewoo, umi and react agents, each role's model renamed so the oracle knows which role calls.</summary>
    private static AgentSnapshot OracleAgents(IConfiguration configuration)
    {
        var agents = new Dictionary<string, AgentOptions>(StringComparer.Ordinal);
        foreach (var section in configuration.GetSection(AgentSnapshot.SectionName).GetChildren())
        {
            var options = section.Get<AgentOptions>() ?? new AgentOptions();
            if (!Roles.TryGetValue(options.Kind, out var roles))
            {
                continue;
            }

            foreach (var role in roles)
            {
                var settings = options.Roles.TryGetValue(role, out var listed) ? listed : options.DefaultRole;
                options.Roles[role] = new RoleOptions
                {
                    Model = OracleHandler.ModelPrefix + role,
                    MaxTokens = settings.MaxTokens,
                    Temperature = settings.Temperature,
                    Seed = settings.Seed,
                };
            }

            agents[section.Key] = options;
        }

        return new AgentSnapshot(agents);
    }

    private sealed class OracleDefinitions(AgentSnapshot snapshot) : IAgentDefinitions
    {
        public AgentSnapshot Current => snapshot;
    }

    /// <summary>The stored toolsets as agent tools, as the gateway offers them.</summary>
    private sealed class ToolsetSource(CraftPlugins plugins) : IAgentToolSource
    {
        public string Name => "toolsets";

        public async ValueTask<IReadOnlyList<KernelPlugin>> GetPluginsAsync(CancellationToken cancellationToken) =>
            await plugins.GetAllAsync(cancellationToken);
    }

    /// <summary>Role models as the gateway builds them (OpenAI client, exact JSON schemas), pointed at the oracle.</summary>
    private sealed class OracleModels(OracleHandler handler) : IAgentModelProvider
    {
        private readonly OpenAIClient _client = new(new ApiKeyCredential("oracle"), new OpenAIClientOptions
        {
            Endpoint = new Uri("http://oracle.invalid/v1"),
            Transport = new HttpClientPipelineTransport(new HttpClient(handler, disposeHandler: false)),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });

        public IChatClient GetChatClient(string model) => _client.GetChatClient(model).AsIChatClient().AsBuilder().UseExactJsonSchema().Build();
    }
}
