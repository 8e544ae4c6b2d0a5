namespace Gateway.Craft.Retrieval;

/// <summary>Settings of tool retrieval (section <c>Gateway:Craft:Agent:Retrieval</c>).</summary>
public sealed record RetrievalOptions
{
    /// <summary>Candidates each of the three views (docstring, name, source problem) nominates. Default 5.</summary>
    public int CandidatesPerView { get; init; } = 5;

    /// <summary>Tools put in the prompt at most. Default 3.</summary>
    public int MaxTools { get; init; } = 3;

    /// <summary>Views that must nominate a tool for it to be chosen. Default 2.</summary>
    public int MinVotes { get; init; } = 2;

    /// <summary>Tokens of the model's guess. Default 200.</summary>
    public int MaxGuessTokens { get; init; } = 200;
}

/// <summary>The model's guess of the tools a problem needs: names and a docstring.</summary>
public sealed record ToolGuess(IReadOnlyList<string> Names, string Docstring, bool FromModel);

/// <summary>A tool with the votes it got and its summed similarity over the three views.</summary>
public sealed record RetrievedTool(string Toolset, Toolsets.CraftTool Tool, int Votes, double Score);

/// <summary>
/// What retrieval found: the guess, every nominated candidate, and the tools chosen. <see cref="FellBack"/> says that no
/// tool had enough votes and the best-scoring candidates were chosen instead.
/// </summary>
public sealed record RetrievalResult(ToolGuess Guess, IReadOnlyList<RetrievedTool> Candidates, IReadOnlyList<RetrievedTool> Selected, bool FellBack);
