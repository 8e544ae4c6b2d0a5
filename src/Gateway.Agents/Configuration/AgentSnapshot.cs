using Microsoft.Extensions.Configuration;

namespace Gateway.Agents.Configuration;

/// <summary>The validated agent definitions, <c>Gateway:Agents</c>; replaced whole on reload.</summary>
public sealed record AgentSnapshot(IReadOnlyDictionary<string, AgentOptions> Agents)
{
    /// <summary>The configuration section agents are defined in, one child per agent.</summary>
    public const string SectionName = "Gateway:Agents";

    /// <summary>The prefix that makes a model name an agent.</summary>
    public const string ModelPrefix = "agent:";

    /// <summary>Longest system text a <c>Prompts:System</c> override may have.</summary>
    public const int MaxSystemPromptChars = 8000;

    /// <summary>No agents: the snapshot before the first successful build.</summary>
    public static AgentSnapshot Empty { get; } = new(new Dictionary<string, AgentOptions>());

    /// <summary>
    /// Binds and validates <c>Gateway:Agents</c>. Throws <see cref="InvalidOperationException"/> naming
    /// the setting when a definition is invalid, so a reload keeps the last good snapshot.
    /// </summary>
    public static AgentSnapshot Build(IConfiguration configuration, IReadOnlyCollection<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var agents = new Dictionary<string, AgentOptions>(StringComparer.Ordinal);
        foreach (var section in configuration.GetSection(SectionName).GetChildren())
        {
            var options = section.Get<AgentOptions>() ?? new AgentOptions();
            Validate(section.Key, options, kinds);
            agents[section.Key] = options;
        }

        return new AgentSnapshot(agents);
    }

    /// <summary>The agent behind <c>agent:&lt;name&gt;</c>, or null.</summary>
    public AgentOptions? Find(string name) => Agents.TryGetValue(name, out var agent) ? agent : null;

    private static void Validate(string name, AgentOptions options, IReadOnlyCollection<string> kinds)
    {
        var path = $"{SectionName}:{name}";
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new InvalidOperationException($"{path}: agent names use letters, digits, '-', '_' and '.'.");
        }

        if (!kinds.Contains(options.Kind, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{path}:Kind '{options.Kind}' is not one of: {string.Join(", ", kinds)}.");
        }

        if (options.PlanFormat is not ("json" or "text"))
        {
            throw new InvalidOperationException($"{path}:PlanFormat must be 'json' or 'text'.");
        }

        if (options.Prompts.Style is not (PromptOptions.Compact or PromptOptions.Paper))
        {
            throw new InvalidOperationException($"{path}:Prompts:Style must be 'compact' or 'paper'.");
        }

        foreach (var (role, text) in options.Prompts.System)
        {
            if (string.IsNullOrWhiteSpace(text) || text.Length > MaxSystemPromptChars)
            {
                throw new InvalidOperationException($"{path}:Prompts:System:{role} must be non-empty text of at most {MaxSystemPromptChars} characters.");
            }
        }

        var limits = options.Limits;
        if (limits.MaxSteps is < 1 or > 64 || limits.MaxIterations is < 1 or > 64 || limits.MaxParallelTools is < 1 or > 64)
        {
            throw new InvalidOperationException($"{path}:Limits: MaxSteps, MaxIterations and MaxParallelTools must be between 1 and 64.");
        }

        if (limits.ToolTimeout <= TimeSpan.Zero || limits.RunTimeout <= TimeSpan.Zero || limits.MaxTotalTokens < 0)
        {
            throw new InvalidOperationException($"{path}:Limits: ToolTimeout and RunTimeout must be positive, MaxTotalTokens not negative.");
        }

        if (limits.PlanRetries is < 0 or > 8)
        {
            throw new InvalidOperationException($"{path}:Limits:PlanRetries must be between 0 and 8.");
        }

        if (options.RefineRounds is < 0 or > 8)
        {
            throw new InvalidOperationException($"{path}:RefineRounds must be between 0 and 8.");
        }

        foreach (var (role, settings) in options.Roles.Append(new("default", options.DefaultRole)))
        {
            if (string.IsNullOrWhiteSpace(settings.Model) || settings.Model.StartsWith(ModelPrefix, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{path}:Roles:{role}:Model must name a model or 'auto[:profile]', not an agent.");
            }

            if (settings.MaxTokens is < 1 or > 1_000_000)
            {
                throw new InvalidOperationException($"{path}:Roles:{role}:MaxTokens must be between 1 and 1000000.");
            }
        }
    }
}
