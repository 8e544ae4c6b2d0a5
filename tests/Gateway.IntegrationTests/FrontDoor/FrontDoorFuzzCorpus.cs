using System.Text;
using System.Text.Json.Nodes;
using static Gateway.IntegrationTests.FrontDoor.FuzzSchemas;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>One request of the fuzz run: where it goes, with which key, its bytes and how they were made.</summary>
internal sealed record FuzzRequest(string Path, FuzzKey Key, byte[] Body, string Mutation)
{
    /// <summary>The body is larger than the gateway's limit.</summary>
    public bool OverLimit { get; init; }

    /// <summary>Headers sent besides the key and the content type.</summary>
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>The body as text for a failure message: the first <paramref name="max"/> characters, control bytes escaped.</summary>
    public string Preview(int max = 300)
    {
        var text = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, max * 4));
        var shown = new StringBuilder();
        foreach (var c in text.Take(max))
        {
            shown.Append(c is < ' ' or '\uFFFD' ? $"\\x{(int)c:x2}" : c.ToString());
        }

        return shown + (Body.Length > max ? $"... ({Body.Length} bytes)" : "");
    }
}

internal enum FuzzKey
{
    User,
    Admin,
    None,
    Wrong,
}

/// <summary>
/// Generates the fuzz run's requests from a seed: valid templates of every endpoint, each field in turn given values of
/// the wrong type or removed, and random mutations (duplicate keys, deep nesting, huge strings, invalid UTF-8, lone
/// surrogates, absurd numbers, truncation, random bytes), hostile schemas and tools for the local model, and MCP calls.
/// Raw JSON no serializer writes (duplicate keys, <c>1e400</c>, invalid bytes) enters a template as a placeholder
/// string that <see cref="Bytes"/> replaces.
/// </summary>
internal sealed partial class FrontDoorFuzzCorpus
{
    public const string Remote = "remote";
    public const string Local = "tiny";
    public const string Agent = "agent:fuzz";
    public const string Chat = "/v1/chat/completions";
    public const string Completions = "/v1/completions";
    public const string Embeddings = "/v1/embeddings";
    public const string Responses = "/v1/responses";
    public const string Messages = "/v1/messages";
    public const string CountTokens = "/v1/messages/count_tokens";
    public const string Route = "/v1/route";
    public const string Feedback = "/v1/feedback";
    public const string AdminKeys = "/admin/keys";
    public const string Mcp = "/mcp";

    private static readonly string[] WrongValues =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "9223372036854775808",
        "-9223372036854775809", "\"\"", "\"x\"", "\"\\ud800\"", "\"\\udc00x\\ud800\"", "[]", "{}", "[1,\"a\",null,{}]", "{\"a\":{\"b\":[]}}",
        "\"" + new string('w', 5_000) + "\"", "[[[[[[[[[[]]]]]]]]]]", "-0", "1E+2",
    ];

    private readonly Random _random;
    private readonly int _bodyLimit;
    private readonly List<byte[]> _raws = [];
    private readonly List<FuzzRequest> _requests = [];

    private FrontDoorFuzzCorpus(int seed, int bodyLimit)
    {
        _random = new Random(seed);
        _bodyLimit = bodyLimit;
    }

    /// <summary>The run's requests in a seeded random order, so endpoints and models interleave.</summary>
    public static IReadOnlyList<FuzzRequest> Generate(int seed, int bodyLimit)
    {
        var corpus = new FrontDoorFuzzCorpus(seed, bodyLimit);
        corpus.GenerateAll();
        var requests = corpus._requests.ToArray();
        corpus._random.Shuffle(requests);
        return requests;
    }

    private void GenerateAll()
    {
        foreach (var (path, key, template, full, models, randomCount) in Endpoints())
        {
            Systematic(path, key, full, models);
            for (var i = 0; i < randomCount; i++)
            {
                RandomMutation(path, key, template());
            }

            Garbage(path, key);
        }

        HostileSchemas();
        HostileTools();
        AbsurdCounts();
        HugeStrings();
        McpCalls();
        foreach (var path in new[] { Chat, Responses, Messages, CountTokens, Route, Feedback, AdminKeys, Mcp })
        {
            Add(path, FuzzKey.None, ChatTemplate(), "no key");
            Add(path, FuzzKey.Wrong, ChatTemplate(), "wrong key");
        }
    }

    private IEnumerable<(string Path, FuzzKey Key, Func<JsonObject> Template, JsonObject Full, string[] Models, int Random)> Endpoints() =>
    [
        (Chat, FuzzKey.User, ChatTemplate, ChatTemplate(Remote, full: true), [Remote, Local, Local, "auto", Agent], 600),
        (Completions, FuzzKey.User, CompletionsTemplate, CompletionsTemplate(), [Remote, Local, "auto"], 170),
        (Embeddings, FuzzKey.User, EmbeddingsTemplate, EmbeddingsTemplate(), [Remote, Local], 130),
        (Responses, FuzzKey.User, ResponsesTemplate, ResponsesTemplate(Remote), [Remote, Local, "auto", Agent], 200),
        (Messages, FuzzKey.User, MessagesTemplate, MessagesTemplate(Remote), [Remote, Local, "auto", Agent], 200),
        (CountTokens, FuzzKey.User, MessagesTemplate, MessagesTemplate(Remote), [Remote, Local, "auto", Agent], 60),
        (Route, FuzzKey.User, RouteTemplate, RouteTemplate(), ["auto", "auto:cheap"], 130),
        (Feedback, FuzzKey.User, FeedbackTemplate, FeedbackTemplate(), [], 80),
        (AdminKeys, FuzzKey.Admin, AdminKeyTemplate, AdminKeyTemplate(), [], 100),
        (Mcp, FuzzKey.User, McpTemplate, Obj(("jsonrpc", "2.0"), ("id", 1), ("method", "tools/call"),
            ("params", Obj(("name", "calculator"), ("arguments", Obj(("expression", "6 * 7")))))), [], 120),
    ];

    /// <summary>Every slot of a full template, in turn removed and given three values of other types (models and streaming varied).</summary>
    private void Systematic(string path, FuzzKey key, JsonObject full, string[] models)
    {
        Add(path, key, Retarget(full, models), "valid");
        var slots = Slots(full).Count;
        for (var slot = 0; slot < slots; slot++)
        {
            var removed = Retarget(full, models);
            var (parent, name, index) = Slots(removed)[slot];
            var label = Describe(parent, name, index);
            Remove(parent, name, index);
            Add(path, key, removed, "remove " + label);
            for (var i = 0; i < 3; i++)
            {
                var changed = Retarget(full, models);
                (parent, name, index) = Slots(changed)[slot];
                var value = WrongValues[_random.Next(WrongValues.Length)];
                Set(parent, name, index, Raw(value));
                Add(path, key, changed, $"{label} = {Truncate(value, 40)}");
            }
        }
    }

    /// <summary>A copy of the template for a random model of the endpoint, streamed or not.</summary>
    private JsonObject Retarget(JsonObject template, string[] models)
    {
        var body = (JsonObject)template.DeepClone();
        if (models.Length > 0 && body["model"] is JsonValue)
        {
            body["model"] = Pick(models);
        }

        if (body["stream"] is JsonValue)
        {
            body["stream"] = _random.Next(2) == 0;
        }

        return body;
    }

    private void Add(string path, FuzzKey key, JsonObject body, string mutation) => Add(path, key, Bytes(body), mutation);

    private void Add(string path, FuzzKey key, byte[] body, string mutation) =>
        _requests.Add(new FuzzRequest(path, key, body, mutation) { OverLimit = body.Length > _bodyLimit });

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "...";

    private static string Quote(string name) => System.Text.Json.JsonSerializer.Serialize(name);

    private static string Nest(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>A lone continuation byte, a truncated sequence, an overlong encoding or an encoded surrogate.</summary>
    private byte[] InvalidUtf8() => _random.Next(6) switch
    {
        0 => [0xFF],
        1 => [0xC3, 0x28],
        2 => [0xE2, 0x82],
        3 => [0xF0, 0x28, 0x8C, 0xBC],
        4 => [0xC0, 0xAF],
        _ => [0xED, 0xA0, 0x80],
    };
}
