namespace Gateway.Agents.Configuration;

/// <summary>The document search tool, <c>Gateway:Tools:Search</c>: BM25 over a folder of documents, reloaded when the settings or files change.</summary>
public sealed class SearchOptions
{
    /// <summary>Folder of <c>.txt</c> and <c>.md</c> files (relative to the content root); each file is a document.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Most documents one search returns; values below 1 count as 1. Default 3.</summary>
    public int TopK { get; set; } = 3;

    /// <summary>Longest excerpt returned per hit, in characters.</summary>
    public int MaxExcerptChars { get; set; } = 600;
}
