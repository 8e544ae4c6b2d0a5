using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Errors;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>
/// <c>POST /v1/embeddings</c>: mean-pooled, L2-normalised vectors from the served model, as JSON numbers or, with
/// <c>encoding_format: "base64"</c> (what the OpenAI SDKs for Python and Node ask for by default), as the base64 of
/// their little-endian float32 bytes.
/// </summary>
internal static class EmbeddingEndpoints
{
    public static async Task Handle(HttpContext http, EmbeddingService embeddings, LoadedModel model)
    {
        try
        {
            using var body = await RequestParser.ReadBodyAsync(http.Request, http.RequestAborted);
            var root = body.RootElement;
            if (!root.TryGetProperty("input", out var input))
            {
                throw ApiException.BadRequest("'input' is required.", "input");
            }
            var texts = Inputs(input);
            if (texts.Any(string.IsNullOrEmpty))
            {
                throw ApiException.BadRequest("'input' must not contain empty strings.", "input");
            }
            var base64 = EncodingFormat(root);
            var dimensions = Dimensions(root);
            var data = new JsonArray();
            var tokens = 0;
            for (var i = 0; i < texts.Count; i++)
            {
                var (vector, count) = await embeddings.EmbedAsync(texts[i], http.RequestAborted);
                if (dimensions is { } wanted && wanted != vector.Length)
                {
                    throw ApiException.BadRequest(
                        $"This model's embeddings have {vector.Length} dimensions; 'dimensions' can only be {vector.Length}.", "dimensions");
                }
                tokens += count;
                JsonNode embedding = base64
                    ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()))
                    : new JsonArray(vector.Select(v => (JsonNode)v).ToArray());
                data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
            }
            await Results.Json(new JsonObject
            {
                ["object"] = "list",
                ["data"] = data,
                ["model"] = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : model.Id,
                ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
            }).ExecuteAsync(http);
        }
        catch (ApiException e)
        {
            await GatewayErrorWriter.WriteAsync(http, e.Error);
        }
    }

    /// <summary>
    /// The texts to embed. Besides strings, OpenAI takes token ids (one array, or an array of arrays): the OpenAI
    /// tokenizer's, which clients such as LangChain's <c>OpenAIEmbeddings</c> send by default after splitting long
    /// texts. They are decoded with <c>cl100k_base</c> back to text, which this model then tokenizes its own way.
    /// </summary>
    private static List<string> Inputs(JsonElement input)
    {
        const string Expected = "'input' must be a string, an array of strings, or token ids (an array of integers, or an array of such arrays).";
        if (input.ValueKind == JsonValueKind.String)
        {
            return [input.GetString()!];
        }
        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            throw ApiException.BadRequest(Expected, "input");
        }
        var items = input.EnumerateArray().ToList();
        if (items.All(e => e.ValueKind == JsonValueKind.String))
        {
            return [.. items.Select(e => e.GetString()!)];
        }
        if (items.All(e => e.ValueKind == JsonValueKind.Number))
        {
            return [OpenAITokens.Decode(input)];
        }
        if (items.All(e => e.ValueKind == JsonValueKind.Array))
        {
            return [.. items.Select(OpenAITokens.Decode)];
        }
        throw ApiException.BadRequest(Expected, "input");
    }

    /// <summary>True for <c>"base64"</c>, false for <c>"float"</c> or none.</summary>
    private static bool EncodingFormat(JsonElement root) =>
        !root.TryGetProperty("encoding_format", out var format) || format.ValueKind == JsonValueKind.Null ? false
        : format.ValueKind == JsonValueKind.String && format.ValueEquals("float") ? false
        : format.ValueKind == JsonValueKind.String && format.ValueEquals("base64") ? true
        : throw ApiException.BadRequest("'encoding_format' must be 'float' or 'base64'.", "encoding_format");

    private static int? Dimensions(JsonElement root) =>
        !root.TryGetProperty("dimensions", out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 1 ? n
        : throw ApiException.BadRequest("'dimensions' must be a positive integer.", "dimensions");
}
