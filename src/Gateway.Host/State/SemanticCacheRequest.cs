using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.FrontDoor;

namespace Gateway.Host.State;

/// <summary>
/// What the semantic cache reads from a chat request: the text compared by meaning (the last message, which must be
/// the user's and text only) and the partition, a hash of everything else. Everything else means the tenant, the
/// encoder, the operation and the whole request with that one message's text taken out: the model, the system
/// prompt and every earlier turn, tools, response format, temperature, seed, max tokens, stop, stream, n, and any
/// other field. Only <c>user</c> (an end-user id, which does not change the answer) is left out. So two requests
/// share answers only when they differ in the last question's wording alone: "and in Python?" after two different
/// conversations asks two different things, and a different seed or token limit may give a different answer.
/// </summary>
internal static class SemanticCacheRequest
{
    private static readonly JsonDocumentOptions CanonicalJson = new() { AllowDuplicateProperties = false, MaxDepth = JsonLimits.MaxDepth };

    /// <summary>
    /// The partition and question of a chat request, or null when it is not for the semantic cache: another operation,
    /// a sampled request when only temperature 0 is cached, a last message that is not the user's text, or a body
    /// without one canonical form.
    /// </summary>
    public static (string Partition, string Question)? Read(OpenAIOperation operation, ReadOnlySpan<byte> body, string tenant, string encoderId, bool zeroTemperatureOnly)
    {
        if (operation != OpenAIOperation.ChatCompletions)
        {
            return null;
        }

        JsonObject request;
        try
        {
            request = JsonNode.Parse(body, documentOptions: CanonicalJson)!.AsObject();
        }
        catch (JsonException)
        {
            return null;
        }

        if (zeroTemperatureOnly && !(request["temperature"] is JsonValue t && t.TryGetValue<double>(out var temperature) && temperature == 0))
        {
            return null;
        }

        if (request["messages"] is not JsonArray { Count: > 0 } messages || messages[^1] is not JsonObject last
            || last["role"] is not JsonValue role || !role.TryGetValue<string>(out var roleName) || roleName != "user"
            || TextOf(last["content"]) is not { Length: > 0 } question || string.IsNullOrWhiteSpace(question))
        {
            return null;
        }

        last.Remove("content");
        request.Remove("user");
        var canonical = JsonSerializer.SerializeToUtf8Bytes(Sorted(request));
        // Lengths before the variable parts: no tenant name can be made to read as another tenant plus a prefix.
        var head = Encoding.UTF8.GetBytes($"semantic\n{tenant.Length}:{tenant}\n{encoderId.Length}:{encoderId}\n{operation}\n");
        var hash = SHA256.HashData([.. head, .. canonical]);
        return (Convert.ToHexStringLower(hash), question);
    }

    // A string, or parts that are all text (joined by newlines); an image or audio part changes the question in a
    // way the text embedding cannot see, so such a message is not cached.
    private static string? TextOf(JsonNode? content)
    {
        if (content is JsonValue value)
        {
            return value.TryGetValue<string>(out var text) ? text : null;
        }

        if (content is not JsonArray { Count: > 0 } parts)
        {
            return null;
        }

        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            if (part is not JsonObject o || o["type"] is not JsonValue type || !type.TryGetValue<string>(out var kind) || kind != "text"
                || o["text"] is not JsonValue textValue || !textValue.TryGetValue<string>(out var partText))
            {
                return null;
            }

            if (builder.Length > 0)
            {
                builder.Append('\n');
            }

            builder.Append(partText);
        }

        return builder.ToString();
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
