using System.Numerics.Tensors;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Craft.Llm;
using Gateway.Craft.Toolsets;
using Gateway.Embeddings;
using Microsoft.Extensions.AI;

namespace Gateway.Craft.Retrieval;

/// <summary>
/// CRAFT's retrieval over one or more toolsets. Each tool is embedded three ways (its docstring, its name, the problem it
/// came from). For a new problem the model guesses tool names and a docstring; the guessed docstring, the guessed names
/// and the problem itself each nominate their nearest tools; tools nominated by at least two views are chosen, most
/// votes first. When none is, the candidates with the highest summed similarity are.
/// </summary>
public sealed class ToolIndex
{
    private readonly IPromptEncoder _encoder;
    private readonly Entry[] _entries;

    private ToolIndex(IPromptEncoder encoder, Entry[] entries, IReadOnlyList<(string Name, int Version)> toolsets)
    {
        _encoder = encoder;
        _entries = entries;
        Toolsets = toolsets;
    }

    /// <summary>The toolsets indexed, with the versions read.</summary>
    public IReadOnlyList<(string Name, int Version)> Toolsets { get; }

    /// <summary>The number of tools indexed, over every toolset.</summary>
    public int Count => _entries.Length;

    /// <summary>Embeds every tool of <paramref name="toolsets"/> (MiniLM in production: <see cref="PromptEncoders.Default"/>).</summary>
    public static ToolIndex Build(IEnumerable<Toolset> toolsets, IPromptEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(toolsets);
        ArgumentNullException.ThrowIfNull(encoder);
        var sets = toolsets.ToList();
        var tools = sets.SelectMany(s => s.Tools.Select(t => (Set: s.Name, Tool: t))).ToList();
        var docs = encoder.EncodeBatch(tools.Select(t => t.Tool.Docstring).ToArray());
        var names = encoder.EncodeBatch(tools.Select(t => Humanize(t.Tool.Name)).ToArray());
        var problems = encoder.EncodeBatch(tools.Select(t => string.IsNullOrWhiteSpace(t.Tool.SourceProblem) ? t.Tool.Docstring : t.Tool.SourceProblem).ToArray());
        var entries = tools.Select((t, i) => new Entry(t.Set, t.Tool, docs[i], names[i], problems[i])).ToArray();
        return new ToolIndex(encoder, entries, sets.Select(s => (s.Name, s.Version)).ToList());
    }

    /// <summary>Asks <paramref name="chat"/> for a guess (see <see cref="GuessAsync"/>) and ranks the tools for it.</summary>
    public async Task<RetrievalResult> RetrieveAsync(string problem, IChatClient? chat, RetrievalOptions? options = null, string? model = null, CancellationToken cancellationToken = default)
    {
        options ??= new RetrievalOptions();
        var guess = chat is null ? Fallback(problem) : await GuessAsync(problem, chat, options, model, cancellationToken);

        // Encoding the queries is CPU work (milliseconds with MiniLM): on the thread pool, never on the I/O thread
        // the model's reply completed on.
        return await Task.Run(() => Rank(problem, guess, options), cancellationToken);
    }

    /// <summary>
    /// The model's guess of tool names and a docstring for <paramref name="problem"/>. A failed call or an unreadable reply
    /// gives a guess with no names and the problem as the docstring.
    /// </summary>
    public static async Task<ToolGuess> GuessAsync(string problem, IChatClient chat, RetrievalOptions options, string? model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var response = await chat.GetResponseAsync(CraftPrompts.Guess(problem),
                new ChatOptions { ModelId = model, MaxOutputTokens = options.MaxGuessTokens, Temperature = 0 }, cancellationToken);
            var json = LlmReplies.ExtractJsonObject(response.Text);
            var names = (json?["names"] as JsonArray ?? [])
                .Select(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>().Trim() : null)
                .OfType<string>().Where(n => n.Length is > 0 and <= 100).Take(5).ToList();
            var docstring = json?["docstring"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>().Trim() : "";
            return names.Count == 0 && docstring.Length == 0 ? Fallback(problem) : new ToolGuess(names, docstring.Length > 0 ? docstring : problem, true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Fallback(problem);
        }
    }

    /// <summary>Ranks the tools for a problem and a guess; no model is asked.</summary>
    public RetrievalResult Rank(string problem, ToolGuess guess, RetrievalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(guess);
        options ??= new RetrievalOptions();
        var n = _entries.Length;
        var docQuery = _encoder.Encode(guess.Docstring);
        var problemQuery = _encoder.Encode(problem);
        var nameQueries = guess.Names.Select(name => _encoder.Encode(Humanize(name))).ToList();

        var docSims = _entries.Select(e => (double)TensorPrimitives.CosineSimilarity(docQuery, e.Docstring)).ToArray();
        var problemSims = _entries.Select(e => (double)TensorPrimitives.CosineSimilarity(problemQuery, e.Problem)).ToArray();
        var nameSims = _entries.Select(e => nameQueries.Count == 0 ? 0.0 : nameQueries.Max(q => (double)TensorPrimitives.CosineSimilarity(q, e.Name))).ToArray();

        var votes = new int[n];
        var views = nameQueries.Count > 0 ? new[] { docSims, nameSims, problemSims } : [docSims, problemSims];
        foreach (var view in views)
        {
            foreach (var i in Enumerable.Range(0, n).OrderByDescending(i => view[i]).Take(options.CandidatesPerView))
            {
                votes[i]++;
            }
        }

        var candidates = Enumerable.Range(0, n)
            .Where(i => votes[i] > 0)
            .Select(i => new RetrievedTool(_entries[i].Toolset, _entries[i].Tool, votes[i], docSims[i] + nameSims[i] + problemSims[i]))
            .OrderByDescending(c => c.Votes).ThenByDescending(c => c.Score)
            .ToList();
        var selected = candidates.Where(c => c.Votes >= options.MinVotes).Take(options.MaxTools).ToList();
        var fellBack = selected.Count == 0 && candidates.Count > 0;
        if (fellBack)
        {
            selected = candidates.OrderByDescending(c => c.Score).Take(options.MaxTools).ToList();
        }

        return new RetrievalResult(guess, candidates, selected, fellBack);
    }

    /// <summary>Plain similarity search for people (<c>toolset search</c>): the query against all three views, averaged.</summary>
    public IReadOnlyList<RetrievedTool> Search(string query, int top)
    {
        var q = _encoder.Encode(query);
        return _entries
            .Select(e => new RetrievedTool(e.Toolset, e.Tool, 0,
                (TensorPrimitives.CosineSimilarity(q, e.Docstring) + TensorPrimitives.CosineSimilarity(q, e.Name) + TensorPrimitives.CosineSimilarity(q, e.Problem)) / 3.0))
            .OrderByDescending(r => r.Score)
            .Take(top)
            .ToList();
    }

    private static ToolGuess Fallback(string problem) => new([], problem, false);

    private static string Humanize(string name) => name.Replace('_', ' ').Trim();

    private sealed record Entry(string Toolset, CraftTool Tool, float[] Docstring, float[] Name, float[] Problem);
}
