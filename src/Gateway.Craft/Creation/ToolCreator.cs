using Gateway.Craft.Llm;
using Gateway.Craft.Toolsets;
using Gateway.Craft.Verification;
using Gateway.Embeddings;
using Microsoft.Extensions.AI;

namespace Gateway.Craft.Creation;

/// <summary>Progress of a creation run: problems done out of the sample.</summary>
public sealed record CreationProgress(int Done, int Total, string ProblemId);

/// <summary>What a creation run produced: the toolset (not yet stored) and the report.</summary>
public sealed record CreationResult(Toolset Toolset, CreationReport Report);

/// <summary>
/// CRAFT's creation step. For a diverse sample of solved problems the model writes a specific solution as JavaScript,
/// kept only if it returns the right answer in the sandbox; the model then abstracts it into a reusable tool with a
/// name and docstring, kept only if it returns the right answer again on its source problem; duplicates are merged
/// into the most general tool.
/// </summary>
public sealed class ToolCreator(IChatClient chat, ToolVerifier verifier, IPromptEncoder encoder)
{
    /// <summary>
    /// Makes tools from a diverse sample of <paramref name="problems"/>. Nothing is stored: the caller saves the
    /// returned toolset (when it has tools) and shows the report. Each stage's failures become rejects, not exceptions.
    /// </summary>
    /// <param name="toolsetName">Name of the toolset to make; a letter, then letters, digits or <c>_</c>.</param>
    /// <param name="problems">Solved problems with their expected answers.</param>
    /// <param name="options">Sample size, seed, model and sampling settings of the run.</param>
    /// <param name="progress">Told after each sampled problem; null for none.</param>
    /// <param name="cancellationToken">Stops the run between model and sandbox calls.</param>
    /// <exception cref="ArgumentException"><paramref name="toolsetName"/> is not a valid toolset name.</exception>
    public async Task<CreationResult> CreateAsync(
        string toolsetName,
        IReadOnlyList<CreationProblem> problems,
        ToolCreationOptions options,
        IProgress<CreationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(options);
        if (!Toolset.IsValidName(toolsetName))
        {
            throw new ArgumentException($"'{toolsetName}' is not a valid toolset name (a letter, then letters, digits or '_').", nameof(toolsetName));
        }

        var sample = DiverseSampler.Sample(encoder.EncodeBatch(problems.Select(p => p.Problem).ToArray()), options.SampleSize, options.Seed)
            .Select(i => problems[i]).ToList();
        var rejects = new List<CreationReject>();
        var tools = new List<CraftTool>();
        int generated = 0, verified = 0;
        for (var i = 0; i < sample.Count; i++)
        {
            var problem = sample[i];
            var (outcome, tool) = await CreateOneAsync(problem, options, rejects, cancellationToken);
            generated += outcome >= Outcome.Generated ? 1 : 0;
            verified += outcome >= Outcome.Verified ? 1 : 0;
            progress?.Report(new CreationProgress(i + 1, sample.Count, problem.Id));
            if (tool is not null)
            {
                tools.Add(tool);
            }
        }

        var (kept, merged) = await new ToolDeduplicator(verifier, encoder, options.DuplicateSimilarity).DeduplicateAsync(tools, cancellationToken);
        rejects.AddRange(merged.Select(m => new CreationReject(m.Dropped.SourceId ?? "", CreationStage.Deduplication, "duplicate", m.Reason, m.Dropped.Name)));
        var toolset = Toolset.Create(toolsetName, kept, options.Description);
        var report = new CreationReport
        {
            Toolset = toolsetName,
            Problems = problems.Count,
            Sampled = sample.Count,
            Generated = generated,
            Verified = verified,
            Abstracted = tools.Count,
            Kept = kept.Count,
            Tools = kept.Select(t => t.Name).ToList(),
            Rejects = rejects,
        };
        return new CreationResult(toolset, report);
    }

    private enum Outcome
    {
        Failed,
        Generated,
        Verified,
        Abstracted,
    }

    private async Task<(Outcome, CraftTool?)> CreateOneAsync(CreationProblem problem, ToolCreationOptions options, List<CreationReject> rejects, CancellationToken cancellationToken)
    {
        void Reject(string stage, string kind, string reason, string? tool = null) => rejects.Add(new CreationReject(problem.Id, stage, kind, reason, tool));

        var reply = await AskAsync(CraftPrompts.Solution(problem.Problem), options, cancellationToken);
        if (reply.Error is { } solutionError)
        {
            Reject(CreationStage.Solution, "llm_error", solutionError);
            return (Outcome.Failed, null);
        }

        var code = LlmReplies.ExtractCode(reply.Text);
        if (code is null)
        {
            Reject(CreationStage.Solution, "no_code", "the reply holds no JavaScript code: " + Clip(reply.Text));
            return (Outcome.Failed, null);
        }

        var solution = await verifier.VerifySolutionAsync(code, problem.Answer, cancellationToken);
        if (!solution.Passed)
        {
            Reject(CreationStage.Verification, solution.Kind, solution.Reason);
            return (Outcome.Generated, null);
        }

        var abstraction = await AskAsync(CraftPrompts.Abstraction(problem.Problem, solution.Result.Json!, code), options, cancellationToken);
        if (abstraction.Error is { } abstractionError)
        {
            Reject(CreationStage.Abstraction, "llm_error", abstractionError);
            return (Outcome.Verified, null);
        }

        CraftTool tool;
        try
        {
            tool = AbstractionParser.Parse(LlmReplies.ExtractJsonObject(abstraction.Text), problem);
        }
        catch (FormatException ex)
        {
            Reject(CreationStage.Abstraction, "bad_abstraction", ex.Message + ": " + Clip(abstraction.Text));
            return (Outcome.Verified, null);
        }

        var again = await verifier.VerifyExampleAsync(tool, cancellationToken);
        if (!again.Passed)
        {
            Reject(CreationStage.Reverification, again.Kind, again.Reason, tool.Name);
            return (Outcome.Verified, null);
        }

        // The example records what the tool returns, which matches the answer but has the tool's own type.
        return (Outcome.Abstracted, tool with { Example = tool.Example with { Result = again.Result.Value } });
    }

    private async Task<(string Text, string? Error)> AskAsync(List<ChatMessage> messages, ToolCreationOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var response = await chat.GetResponseAsync(messages, new ChatOptions
            {
                ModelId = options.Model,
                MaxOutputTokens = options.MaxOutputTokens,
                Temperature = options.Temperature,
                Seed = options.Seed,
            }, cancellationToken);
            return (response.Text, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return ("", $"the model call failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static string Clip(string? text) => string.IsNullOrEmpty(text) ? "(empty)" : text.Length <= 200 ? text : text[..200] + "…";
}
