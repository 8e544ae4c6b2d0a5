using System.ComponentModel;
using System.Text;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>The <c>search</c> tool: BM25 over the paragraphs of the <c>.txt</c>/<c>.md</c> files in a folder.</summary>
internal sealed class DocumentSearchPlugin
{
    private readonly Bm25Index _index;
    private readonly int _top;
    private readonly int _maxChars;

    private DocumentSearchPlugin(Bm25Index index, int top, int maxChars)
    {
        _index = index;
        _top = top;
        _maxChars = maxChars;
    }

    /// <summary>Indexes every paragraph (text between blank lines) of the folder's documents.</summary>
    public static DocumentSearchPlugin Load(string directory, int top, int maxChars)
    {
        var index = new Bm25Index();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
                     .Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(directory, file);
            foreach (var paragraph in File.ReadAllText(file).ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                index.Add(name, paragraph);
            }
        }

        return new DocumentSearchPlugin(index, top, maxChars);
    }

    [KernelFunction("search")]
    [Description("Searches the gateway's document collection (BM25 keyword search) and returns the best matching passages with their file names.")]
    public string Search([Description("Keywords to search for")] string query)
    {
        var hits = _index.Search(query, _top);
        if (hits.Count == 0)
        {
            return $"No document matches '{query}'.";
        }

        var text = new StringBuilder();
        foreach (var (source, passage, _) in hits)
        {
            var excerpt = passage.Length > _maxChars ? passage[.._maxChars] + "…" : passage;
            text.Append('[').Append(source).Append("] ").Append(excerpt.ReplaceLineEndings(" ")).Append('\n');
        }

        return text.ToString().TrimEnd();
    }
}
