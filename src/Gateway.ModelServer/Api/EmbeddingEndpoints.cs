using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary><c>POST /v1/embeddings</c>: mean-pooled, L2-normalised vectors from the served model.</summary>
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
            var texts = input.ValueKind switch
            {
                JsonValueKind.String => [input.GetString()!],
                JsonValueKind.Array when input.GetArrayLength() > 0 && input.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
                    => input.EnumerateArray().Select(e => e.GetString()!).ToList(),
                _ => throw ApiException.BadRequest("'input' must be a string or a non-empty array of strings.", "input"),
            };
            if (texts.Any(string.IsNullOrEmpty))
            {
                throw ApiException.BadRequest("'input' must not contain empty strings.", "input");
            }
            var data = new JsonArray();
            var tokens = 0;
            for (var i = 0; i < texts.Count; i++)
            {
                var (vector, count) = await embeddings.EmbedAsync(texts[i], http.RequestAborted);
                tokens += count;
                data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = new JsonArray(vector.Select(v => (JsonNode)v).ToArray()) });
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
            await OpenAiErrors.Result(e).ExecuteAsync(http);
        }
    }
}
