using System.CommandLine;
using Gateway.Embeddings;
using Gateway.Routing;
using Gateway.Routing.Data;
using Spectre.Console;

namespace Gateway.Cli.Routing;

/// <summary>Options and helpers the router verbs share.</summary>
internal static class CliCommon
{
    public const string EmbeddingCacheFile = "embeddings.cache";

    public static Option<DirectoryInfo> DataOption() => new("--data")
    {
        Description = "Routing data folder holding outcomes.jsonl and models.json.",
        Required = true,
    };

    public static Option<string> EncoderOption() => new("--encoder")
    {
        Description = $"Prompt encoder: 'hashing[:DIM]' (hashed character trigrams and words; microseconds a prompt) or 'minilm' (all-MiniLM-L6-v2); add '+shape' for prompt-shape features (length, numbers, lines, code symbols). Default '{TrainingOptionSet.DefaultEncoder}': with the contrast head it measured at least as well as MiniLM on validation parts of both shared data sets.",
        DefaultValueFactory = _ => TrainingOptionSet.DefaultEncoder,
    };

    public static Option<bool> ShrinkOption() => new("--shrink")
    {
        Description = "Shrink the onboarded model's measured accuracies towards the other models' mean, by how noisy a few items are next to how much models differ on each task (empirical Bayes; needs 3 or more other models). '--shrink false' keeps them as measured.",
        DefaultValueFactory = _ => true,
    };

    public static Option<int> MaxTokensOption() => new("--max-tokens")
    {
        Description = "Word pieces of each prompt the MiniLM encoder reads (8-256); fewer is faster.",
        DefaultValueFactory = _ => MiniLmPromptEncoder.DefaultMaxTokens,
    };

    public static IPromptEncoder CreateEncoder(string name, int maxTokens = MiniLmPromptEncoder.DefaultMaxTokens) => name switch
    {
        _ when name.EndsWith("+shape", StringComparison.Ordinal) => new ShapeFeatureEncoder(CreateEncoder(name[..^"+shape".Length], maxTokens)),
        "minilm" => new MiniLmPromptEncoder(maxTokens),
        "hashing" => new HashingPromptEncoder(),
        _ when name.StartsWith("hashing:", StringComparison.Ordinal) && int.TryParse(name.AsSpan(8), out var dimension) => new HashingPromptEncoder(dimension),
        _ => throw new ArgumentException($"Unknown encoder '{name}'; use 'minilm' or 'hashing[:DIM]', optionally followed by '+shape'."),
    };

    /// <summary>A fresh (uncached) encoder for an artefact's id.</summary>
    public static IPromptEncoder EncoderFor(string encoderId) =>
        RouterFactory.EncoderFor(encoderId, maxTokens => new MiniLmPromptEncoder(maxTokens))
        ?? throw new RouterArtifactException($"This gateway has no encoder '{encoderId}'.");

    /// <summary>Embeds prompts through a file cache, with a progress bar for the ones not cached yet.</summary>
    public static float[][] Embed(IReadOnlyList<OutcomeRecord> records, IPromptEncoder encoder, string cachePath)
    {
        var store = EmbeddingStore.Open(cachePath, encoder);
        float[][] vectors = [];
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask($"Encoding prompts ({encoder.Id})", maxValue: 1);
            vectors = store.GetOrEncode(records.Select(r => r.Prompt).ToArray(), (done, total) =>
            {
                task.MaxValue = total;
                task.Value = done;
            });
            task.Value = task.MaxValue;
        });
        try
        {
            store.Save();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Could not save the embedding cache '{cachePath}': {ex.Message}[/]");
        }

        return vectors;
    }

    /// <summary>
    /// Runs a verb's action; bad data, a bad artefact or a bad argument ends it with the problem on standard error
    /// and exit code 1, not a stack trace.
    /// </summary>
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is RoutingDataException or RouterArtifactException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    /// <summary>A synchronous <see cref="IProgress{T}"/>, so progress bars update in order.</summary>
    internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
