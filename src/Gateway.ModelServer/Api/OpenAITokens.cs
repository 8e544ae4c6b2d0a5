using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Gateway.ModelServer.Api;

/// <summary>Token ids of OpenAI's <c>cl100k_base</c> encoding (the one tiktoken falls back to), decoded to text.</summary>
internal static class OpenAITokens
{
    /// <summary>The largest id <c>cl100k_base</c> has (<c>&lt;|endofprompt|&gt;</c>).</summary>
    public const int MaxId = 100276;

    // Loaded on first use (about 150 ms): most servers never see token ids.
    private static readonly Lazy<TiktokenTokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    public static string Decode(JsonElement ids)
    {
        if (ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() == 0)
        {
            throw ApiException.BadRequest("Token id inputs must be non-empty arrays of integers.", "input");
        }
        var list = new List<int>(ids.GetArrayLength());
        foreach (var id in ids.EnumerateArray())
        {
            if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out var value) || value is < 0 or > MaxId)
            {
                throw ApiException.BadRequest($"Token ids must be integers from 0 to {MaxId} (OpenAI's cl100k_base encoding).", "input");
            }
            list.Add(value);
        }
        return Tokenizer.Value.Decode(list);
    }
}
