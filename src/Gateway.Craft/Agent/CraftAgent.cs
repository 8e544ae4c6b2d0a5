using Gateway.Craft.Llm;
using Gateway.Craft.Retrieval;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Gateway.Craft.Verification;
using Gateway.Embeddings;
using Microsoft.Extensions.AI;

namespace Gateway.Craft.Agent;

/// <summary>
/// CRAFT at inference: retrieves the few tools a problem needs from the stored toolsets, asks the model for a
/// JavaScript <c>solve()</c> that calls them, runs it in the sandbox with the tools' code, and answers with its value.
/// A failed run is shown to the model, which may try again up to <see cref="CraftAgentOptions.MaxAttempts"/> times.
/// </summary>
public sealed class CraftAgent(IToolsetStore store, JsSandbox sandbox, IPromptEncoder encoder, CraftAgentOptions? defaults = null)
{
    private readonly CraftAgentOptions _defaults = defaults ?? new CraftAgentOptions();
    private readonly Lock _gate = new();
    private ToolIndex? _index;

    /// <summary>Solves <paramref name="problem"/> with <paramref name="chat"/> (e.g. the gateway's front door as an <see cref="IChatClient"/>).</summary>
    public async Task<CraftAnswer> RunAsync(string problem, IChatClient chat, CraftAgentOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        ArgumentNullException.ThrowIfNull(chat);
        options ??= _defaults;
        var index = await IndexAsync(options.Toolsets, cancellationToken);
        var retrieval = await index.RetrieveAsync(problem, chat, options.Retrieval, options.Model, cancellationToken);
        var tools = retrieval.Selected.Select(t => t.Tool).ToList();

        var messages = CraftPrompts.Agent(problem, tools);
        var attempts = new List<CraftAttempt>();
        for (var attempt = 0; attempt < Math.Max(1, options.MaxAttempts); attempt++)
        {
            var response = await chat.GetResponseAsync(messages, new ChatOptions
            {
                ModelId = options.Model,
                MaxOutputTokens = options.MaxOutputTokens,
                Temperature = options.Temperature,
            }, cancellationToken);
            var code = LlmReplies.ExtractCode(response.Text);
            var result = code is null ? null : await sandbox.RunProgramAsync(code, tools.Select(t => t.Code), cancellationToken);
            var tried = new CraftAttempt(response.Text, code, result);
            attempts.Add(tried);
            if (result is { Succeeded: true })
            {
                var value = result.Value;
                return new CraftAnswer(true, AnswerMatcher.Display(value), value, new CraftTrace(retrieval, attempts));
            }

            messages.Add(new ChatMessage(ChatRole.Assistant, response.Text));
            messages.Add(CraftPrompts.Retry(tried.Error!));
        }

        return new CraftAnswer(false, null, null, new CraftTrace(retrieval, attempts));
    }

    /// <summary>The index over the chosen toolsets, rebuilt only when one of them changed version.</summary>
    private async Task<ToolIndex> IndexAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var wanted = names.Count > 0 ? names : await store.ListAsync(cancellationToken);
        var toolsets = new List<Toolset>();
        foreach (var name in wanted)
        {
            toolsets.Add(await store.GetAsync(name, cancellationToken)
                ?? throw new InvalidOperationException($"There is no toolset '{name}'."));
        }

        var versions = toolsets.Select(t => (t.Name, t.Version)).ToList();
        lock (_gate)
        {
            if (_index is not null && _index.Toolsets.SequenceEqual(versions))
            {
                return _index;
            }
        }

        var index = ToolIndex.Build(toolsets, encoder);
        lock (_gate)
        {
            _index = index;
        }

        return index;
    }
}
