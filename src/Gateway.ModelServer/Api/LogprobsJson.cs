using System.Text.Json.Nodes;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>Token log probabilities in OpenAI's two shapes: chat's <c>logprobs.content</c> and the completions API's lists.</summary>
internal static class LogprobsJson
{
    /// <summary>Chat: <c>{"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}], "refusal": null}</c>.</summary>
    public static JsonObject Chat(IEnumerable<TokenLogprob> tokens) => new()
    {
        ["content"] = new JsonArray([.. tokens.Select(t => (JsonNode)new JsonObject
        {
            ["token"] = t.Token,
            ["logprob"] = t.Logprob,
            ["bytes"] = Bytes(t.Bytes),
            ["top_logprobs"] = new JsonArray([.. t.Top.Select(a => (JsonNode)new JsonObject
            {
                ["token"] = a.Token,
                ["logprob"] = a.Logprob,
                ["bytes"] = Bytes(a.Bytes),
            })]),
        })]),
        ["refusal"] = null,
    };

    /// <summary>
    /// Completions: parallel lists of tokens, their log probabilities, the alternatives at each position (token to log
    /// probability) and each token's character offset, counted on from <paramref name="offset"/>, which is left after
    /// the last token for the next chunk.
    /// </summary>
    public static JsonObject Completion(IReadOnlyList<TokenLogprob> tokens, ref int offset)
    {
        var offsets = new JsonArray();
        foreach (var t in tokens)
        {
            offsets.Add(offset);
            offset += t.Token.Length;
        }

        return new JsonObject
        {
            ["tokens"] = new JsonArray([.. tokens.Select(t => (JsonNode)t.Token)]),
            ["token_logprobs"] = new JsonArray([.. tokens.Select(t => (JsonNode?)t.Logprob)]),
            ["top_logprobs"] = new JsonArray([.. tokens.Select(t =>
            {
                var top = new JsonObject();
                foreach (var a in t.Top)
                {
                    // Two alternatives can show the same text (partial characters); the likelier one is kept.
                    top.TryAdd(a.Token, a.Logprob);
                }
                return t.Logprob is null ? null : (JsonNode)top; // As OpenAI lists a first token nothing predicts.
            })]),
            ["text_offset"] = offsets,
        };
    }

    private static JsonArray Bytes(byte[] bytes) => new([.. bytes.Select(b => (JsonNode)(int)b)]);
}
