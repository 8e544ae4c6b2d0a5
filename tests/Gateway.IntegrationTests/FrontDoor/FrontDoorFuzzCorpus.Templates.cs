using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Gateway.IntegrationTests.FrontDoor.FuzzSchemas;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>Valid request templates of every endpoint, and the plumbing that turns a mutated template into bytes.</summary>
internal sealed partial class FrontDoorFuzzCorpus
{
    private JsonObject ChatTemplate() => ChatTemplate(Pick(Remote, Local, Remote, Local, "auto", Agent), full: _random.Next(3) == 0);

    private JsonObject ChatTemplate(string model, bool full)
    {
        var stream = _random.Next(2) == 0;
        var body = Obj(
            ("model", model),
            ("messages", Arr(
                Obj(("role", "system"), ("content", "Be brief.")),
                Obj(("role", "user"), ("content", Arr(Obj(("type", "text"), ("text", "What is 2 plus 3?"))))),
                Obj(("role", "assistant"), ("content", null), ("tool_calls", Arr(Obj(("id", "call_1"), ("type", "function"),
                    ("function", Obj(("name", "lookup"), ("arguments", "{\"q\":\"x\"}"))))))),
                Obj(("role", "tool"), ("tool_call_id", "call_1"), ("content", "5")),
                Obj(("role", "user"), ("content", "Reverse the letters of the word 'planet'.")))),
            ("max_tokens", _random.Next(1, 8)),
            ("stream", stream));
        if (stream)
        {
            body["stream_options"] = Obj(("include_usage", _random.Next(2) == 0));
        }

        if (full || _random.Next(2) == 0)
        {
            body["temperature"] = 0.7;
            body["top_p"] = 0.9;
            body["n"] = 1;
            body["seed"] = 7;
            body["stop"] = Arr("\n\n");
            body["presence_penalty"] = 0;
            body["frequency_penalty"] = 0.5;
            body["logit_bias"] = Obj(("5", 1));
            body["user"] = "fuzzer";
            body["metadata"] = Obj(("k", "v"));
        }

        if (full || _random.Next(3) == 0)
        {
            body["logprobs"] = true;
            body["top_logprobs"] = 2;
        }

        if (full || _random.Next(3) == 0)
        {
            body["tools"] = Arr(Obj(("type", "function"), ("function", Obj(("name", "lookup"), ("description", "Looks a word up."),
                ("parameters", Obj(("type", "object"), ("properties", Obj(("q", Obj(("type", "string"))))), ("required", Arr("q"))))))));
            body["tool_choice"] = _random.Next(2) == 0 ? (JsonNode)"auto" : Obj(("type", "function"), ("function", Obj(("name", "lookup"))));
        }

        if (full || _random.Next(3) == 0)
        {
            body["response_format"] = Obj(("type", "json_schema"), ("json_schema", Obj(("name", "answer"), ("strict", true),
                ("schema", Obj(("type", "object"), ("properties", Obj(("answer", Obj(("type", "string"), ("maxLength", 8))))), ("required", Arr("answer")))))));
        }

        if (full)
        {
            body["route"] = Obj(("profile", "default"), ("explain", true));
        }

        return body;
    }

    private JsonObject CompletionsTemplate()
    {
        var stream = _random.Next(2) == 0;
        var body = Obj(
            ("model", Pick(Remote, Local, Local, "auto")),
            ("prompt", _random.Next(2) == 0 ? (JsonNode)"Once upon a time" : Arr("Once upon", "a time")),
            ("max_tokens", _random.Next(1, 8)),
            ("temperature", 0.5),
            ("top_p", 1),
            ("n", 1),
            ("stream", stream),
            ("logprobs", 2),
            ("echo", false),
            ("stop", Arr("\n")),
            ("seed", 3),
            ("logit_bias", Obj(("7", -1))),
            ("user", "fuzzer"),
            ("response_format", Obj(("type", "text"))));
        if (stream)
        {
            body["stream_options"] = Obj(("include_usage", true));
        }

        return body;
    }

    private JsonObject EmbeddingsTemplate() => Obj(
        ("model", Pick(Remote, Local)),
        ("input", _random.Next(2) == 0 ? (JsonNode)"hello world" : Arr("hello", "world")),
        ("encoding_format", "float"),
        ("user", "fuzzer"));

    private JsonObject ResponsesTemplate() => ResponsesTemplate(Pick(Remote, Local, Local, "auto", Agent));

    private JsonObject ResponsesTemplate(string model) => Obj(
        ("model", model),
        ("input", Arr(
            Obj(("role", "user"), ("content", Arr(Obj(("type", "input_text"), ("text", "What is 2 plus 3?"))))),
            Obj(("type", "function_call"), ("call_id", "call_1"), ("name", "lookup"), ("arguments", "{\"q\":\"x\"}")),
            Obj(("type", "function_call_output"), ("call_id", "call_1"), ("output", "5")),
            Obj(("type", "message"), ("role", "assistant"), ("content", Arr(Obj(("type", "output_text"), ("text", "It is 5."))))),
            Obj(("role", "user"), ("content", "Thanks.")))),
        ("instructions", "Be brief."),
        ("max_output_tokens", _random.Next(1, 8)),
        ("temperature", 0.5),
        ("stream", _random.Next(2) == 0),
        ("text", Obj(("format", Obj(("type", "json_schema"), ("name", "answer"),
            ("schema", Obj(("type", "object"), ("properties", Obj(("a", Obj(("type", "string"))))), ("required", Arr("a")))))))),
        ("tools", Arr(Obj(("type", "function"), ("name", "lookup"), ("description", "Looks a word up."),
            ("parameters", Obj(("type", "object"), ("properties", Obj(("q", Obj(("type", "string"))))), ("required", Arr("q"))))))),
        ("tool_choice", _random.Next(2) == 0 ? (JsonNode)"auto" : Obj(("type", "function"), ("name", "lookup"))),
        ("include", Arr("message.output_text.logprobs")),
        ("top_logprobs", 2),
        ("reasoning", Obj(("effort", "low"))),
        ("store", false),
        ("metadata", Obj(("k", "v"))));

    private JsonObject MessagesTemplate() => MessagesTemplate(Pick(Remote, Local, Local, "auto", Agent));

    /// <summary>An Anthropic Messages API request using every translated field.</summary>
    private JsonObject MessagesTemplate(string model) => Obj(
        ("model", model),
        ("system", Arr(Obj(("type", "text"), ("text", "Be brief.")))),
        ("messages", Arr(
            Obj(("role", "user"), ("content", Arr(Obj(("type", "text"), ("text", "What is 2 plus 3?")),
                Obj(("type", "image"), ("source", Obj(("type", "base64"), ("media_type", "image/png"), ("data", "iVBORw0KGgo="))))))),
            Obj(("role", "assistant"), ("content", Arr(Obj(("type", "tool_use"), ("id", "toolu_1"), ("name", "lookup"), ("input", Obj(("q", "x"))))))),
            Obj(("role", "user"), ("content", Arr(Obj(("type", "tool_result"), ("tool_use_id", "toolu_1"), ("content", "5"))))),
            Obj(("role", "assistant"), ("content", "It is 5.")),
            Obj(("role", "user"), ("content", "Thanks.")))),
        ("max_tokens", _random.Next(1, 8)),
        ("temperature", 0.5),
        ("top_p", 0.9),
        ("top_k", 20),
        ("stop_sequences", Arr("\n\n")),
        ("stream", _random.Next(2) == 0),
        ("tools", Arr(Obj(("name", "lookup"), ("description", "Looks a word up."),
            ("input_schema", Obj(("type", "object"), ("properties", Obj(("q", Obj(("type", "string"))))), ("required", Arr("q"))))))),
        ("tool_choice", _random.Next(2) == 0 ? Obj(("type", "auto")) : Obj(("type", "tool"), ("name", "lookup"))),
        ("metadata", Obj(("user_id", "fuzzer"))));

    private JsonObject RouteTemplate() => Obj(
        ("model", Pick("auto", "auto:cheap", "auto:small")),
        ("prompt", _random.Next(2) == 0 ? "What is 7 plus 5? Answer with the number." : "Reverse the letters of the word 'garden'."),
        ("messages", Arr(Obj(("role", "user"), ("content", "What is 1 plus 1?")))),
        ("route", Obj(("profile", "default"), ("weights", Obj(("cost", 0.3), ("size", 0), ("latency", 0), ("age", 0))), ("max_price", 1.0),
            ("allow", Arr()), ("deny", Arr("nothing")), ("explain", true))),
        ("pareto", _random.Next(2) == 0));

    private JsonObject FeedbackTemplate() => Obj(
        ("request_id", "req_fuzz_" + _random.Next(100).ToString(CultureInfo.InvariantCulture)),
        ("score", _random.NextDouble()));

    private JsonObject AdminKeyTemplate() => Obj(
        ("name", "fuzz-" + _random.Next(1_000_000).ToString(CultureInfo.InvariantCulture)),
        ("models", Arr(Remote, Local)),
        ("admin", false),
        ("requests_per_minute", 100),
        ("tokens_per_minute", 10_000),
        ("budget_usd", 1.5),
        ("budget_period_hours", 24),
        ("cache", false));

    private JsonObject McpTemplate() => _random.Next(4) switch
    {
        0 => Obj(("jsonrpc", "2.0"), ("id", _random.Next(1000)), ("method", "initialize"),
            ("params", Obj(("protocolVersion", "2025-06-18"), ("capabilities", Obj()), ("clientInfo", Obj(("name", "fuzz"), ("version", "1.0")))))),
        1 => Obj(("jsonrpc", "2.0"), ("id", _random.Next(1000)), ("method", "tools/list"), ("params", Obj())),
        _ => Obj(("jsonrpc", "2.0"), ("id", _random.Next(1000)), ("method", "tools/call"),
            ("params", Obj(("name", Pick("calculator", "clock", "search")), ("arguments", Obj(("expression", "6 * 7"), ("query", "fuzz")))))),
    };

    private T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    /// <summary>Every value in the tree as (its parent, its property name or null, its array index).</summary>
    private static List<(JsonNode Parent, string? Name, int Index)> Slots(JsonNode root)
    {
        var slots = new List<(JsonNode, string?, int)>();
        Walk(root);
        return slots;

        void Walk(JsonNode node)
        {
            if (node is JsonObject obj)
            {
                foreach (var (name, value) in obj.ToList())
                {
                    slots.Add((obj, name, -1));
                    if (value is not null)
                    {
                        Walk(value);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i));
                    if (array[i] is { } item)
                    {
                        Walk(item);
                    }
                }
            }
        }
    }

    private static string Describe(JsonNode parent, string? name, int index) =>
        name is not null ? parent.GetPath() + "." + name : parent.GetPath() + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    private static void Set(JsonNode parent, string? name, int index, JsonNode? value)
    {
        if (name is not null)
        {
            ((JsonObject)parent)[name] = value;
        }
        else
        {
            ((JsonArray)parent)[index] = value;
        }
    }

    private static void Remove(JsonNode parent, string? name, int index)
    {
        if (name is not null)
        {
            ((JsonObject)parent).Remove(name);
        }
        else
        {
            ((JsonArray)parent).RemoveAt(index);
        }
    }

    /// <summary>A placeholder for raw JSON text, as a value.</summary>
    private JsonNode Raw(string json) => JsonValue.Create(Placeholder(Encoding.UTF8.GetBytes(json)));

    /// <summary>A placeholder (a value or a property name) that <see cref="Bytes"/> replaces, quotes included, with these bytes.</summary>
    private string Placeholder(byte[] raw)
    {
        _raws.Add(raw);
        return "ZQZ" + (_raws.Count - 1).ToString(CultureInfo.InvariantCulture) + "ZQZ";
    }

    private byte[] Bytes(JsonNode root)
    {
        var text = root.ToJsonString();
        using var output = new MemoryStream(text.Length);
        var at = 0;
        foreach (Match match in PlaceholderPattern().Matches(text))
        {
            output.Write(Encoding.UTF8.GetBytes(text[at..match.Index]));
            output.Write(_raws[int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture)]);
            at = match.Index + match.Length;
        }

        output.Write(Encoding.UTF8.GetBytes(text[at..]));
        return output.ToArray();
    }

    [GeneratedRegex("\"ZQZ([0-9]+)ZQZ\"")]
    private static partial Regex PlaceholderPattern();
}
