using System.Globalization;
using System.Text.Json.Nodes;
using static Gateway.IntegrationTests.FrontDoor.FuzzSchemas;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>The targeted attacks: hostile schemas and tools for the local model, absurd counts, huge bodies and MCP calls.</summary>
internal sealed partial class FrontDoorFuzzCorpus
{
    private void HostileSchemas()
    {
        for (var i = 0; i < 120; i++)
        {
            var body = ChatTemplate(Local, full: false);
            body.Remove("tools");
            body.Remove("tool_choice");
            body["max_tokens"] = _random.Next(1, 8);
            body["response_format"] = Obj(("type", "json_schema"), ("json_schema", Obj(("name", "x"), ("strict", true), ("schema", Schema(_random, Raw)))));
            Add(Chat, FuzzKey.User, body, "hostile schema");
        }

        string[] formats =
        [
            "{\"type\":\"json_schema\"}", "{\"type\":\"json_schema\",\"json_schema\":5}", "{\"type\":\"json_schema\",\"json_schema\":{\"schema\":7}}",
            "{\"type\":5}", "{\"type\":null}", "{\"type\":\"json_object\",\"schema\":{\"$ref\":\"#\"}}", "{\"type\":\"xml\"}", "{\"type\":[\"json_object\"]}",
            "{\"type\":\"json_schema\",\"json_schema\":{\"name\":5,\"schema\":{\"type\":\"object\"}}}", "{\"type\":\"json_schema\",\"json_schema\":[]}",
        ];
        foreach (var format in formats)
        {
            foreach (var model in new[] { Local, Remote })
            {
                var body = ChatTemplate(model, full: false);
                body.Remove("tools");
                body.Remove("tool_choice");
                body["response_format"] = Raw(format);
                Add(Chat, FuzzKey.User, body, "response_format " + format);
                var completion = CompletionsTemplate();
                completion["model"] = model;
                completion["response_format"] = Raw(format);
                Add(Completions, FuzzKey.User, completion, "response_format " + format);
            }
        }

        for (var i = 0; i < 30; i++)
        {
            var body = CompletionsTemplate();
            body["model"] = Local;
            body["response_format"] = Obj(("type", "json_schema"), ("json_schema", Obj(("name", "x"), ("schema", Schema(_random, Raw)))));
            Add(Completions, FuzzKey.User, body, "hostile schema");
        }

        for (var i = 0; i < 30; i++)
        {
            var body = ResponsesTemplate(Local);
            body.Remove("tools");
            body.Remove("tool_choice");
            body["text"] = Obj(("format", Obj(("type", "json_schema"), ("name", "x"), ("schema", Schema(_random, Raw)))));
            Add(Responses, FuzzKey.User, body, "hostile schema");
        }
    }

    private void HostileTools()
    {
        JsonNode[] choices =
        [
            "auto", "required", "none", "bogus", Obj(("type", "function"), ("function", Obj(("name", "tool_0")))), Obj(("type", "function"), ("function", Obj(("name", "absent")))),
            Obj(("type", "function"), ("function", Obj(("name", 5)))), Obj(("function", "x")), Obj(("type", "function")), Arr(), 17,
        ];
        for (var i = 0; i < 90; i++)
        {
            var model = i % 6 == 0 ? Remote : i % 6 == 1 ? Agent : Local;
            var body = ChatTemplate(model, full: false);
            body.Remove("response_format");
            body["tools"] = Tools(_random, Raw);
            body["tool_choice"] = choices[_random.Next(choices.Length)].DeepClone();
            Add(Chat, FuzzKey.User, body, "hostile tools");
        }

        // Far more client tools than any request may declare, to an agent and to a model.
        foreach (var model in new[] { Agent, Local })
        {
            var body = ChatTemplate(model, full: false);
            body["tools"] = new JsonArray([.. Enumerable.Range(0, 40_000).Select(i => (JsonNode)Obj(("type", "function"),
                ("function", Obj(("name", "t" + i.ToString(CultureInfo.InvariantCulture))))))]);
            Add(Chat, FuzzKey.User, body, "40k client tools");
        }

        for (var i = 0; i < 20; i++)
        {
            var body = ResponsesTemplate(i % 2 == 0 ? Local : Agent);
            body["tools"] = new JsonArray([.. Tools(_random, Raw).Select(t => t is JsonObject { } tool && tool["function"] is JsonObject f
                ? Obj(("type", "function"), ("name", f["name"]?.DeepClone()), ("parameters", f["parameters"]?.DeepClone()))
                : t!.DeepClone())]);
            Add(Responses, FuzzKey.User, body, "hostile tools");
        }
    }

    private void AbsurdCounts()
    {
        string[] maxTokens = ["0", "-1", "100000000", "100000001", "2147483648", "9223372036854775807", "1.5", "1e400", "1e8", "\"4\""];
        string[] counts = ["0", "-1", "2", "128", "129", "1.0", "1e3", "null"];
        string[] topLogprobs = ["-1", "0", "20", "21", "1000", "2.5"];
        string[] samplers = ["-1", "3", "1e400", "0", "-0", "1e-400", "1e308"];
        for (var i = 0; i < 140; i++)
        {
            var kind = i % 3;
            var model = Pick(Remote, Local, Local);
            var body = kind == 0 ? ChatTemplate(model, full: false) : kind == 1 ? CompletionsTemplate() : ResponsesTemplate(model);
            body["model"] = model;
            var field = Pick("max_tokens", "max_completion_tokens", "n", "logprobs", "top_logprobs", "temperature", "top_p", "top_k", "min_p", "seed", "echo",
                "stop", "logit_bias", "presence_penalty", "max_output_tokens");
            body[field] = Raw(field switch
            {
                "max_tokens" or "max_completion_tokens" or "max_output_tokens" => Pick(maxTokens),
                "n" => Pick(counts),
                "logprobs" => Pick("true", "false", "5", "6", "-1", "100"),
                "top_logprobs" => Pick(topLogprobs),
                "seed" => Pick("-1", "18446744073709551616", "4294967296", "0.5"),
                "echo" => Pick("true", "1"),
                "stop" => Pick("[\"a\",\"b\",\"c\",\"d\",\"e\"]", "[\"\"]", "[5]", "\"" + new string('z', 100_000) + "\"", "[]"),
                "logit_bias" => Pick("{\"-1\":1}", "{\"999999\":100}", "{\"5\":101}", "{\"abc\":1}", "{\"5\":\"x\"}", "{\"5\":1e400}", "{\"99999999999\":1}"),
                _ => Pick(samplers),
            });
            if (_random.Next(4) == 0)
            {
                body["max_tokens"] = 0;
                body["echo"] = true;
            }

            Add(kind == 0 ? Chat : kind == 1 ? Completions : Responses, FuzzKey.User, body, $"absurd {field}");
        }
    }

    /// <summary>Strings of a megabyte or two under the body limit, and bodies over it (with and without a key).</summary>
    private void HugeStrings()
    {
        var under = (int)Math.Min(_bodyLimit - 4_096, 2_000_000);
        var over = _bodyLimit + 500_000;
        var chat = ChatTemplate(Remote, full: false);
        chat["messages"]![1]!["content"] = new string('a', under);
        Add(Chat, FuzzKey.User, chat, "2 MB message to the remote model");
        var local = ChatTemplate(Local, full: false);
        local["messages"]![4]!["content"] = new string('b', 1_000_000);
        Add(Chat, FuzzKey.User, local, "1 MB message to the local model");
        var route = RouteTemplate();
        route["prompt"] = new string('c', under);
        Add(Route, FuzzKey.User, route, "2 MB prompt to /v1/route");
        var responses = ResponsesTemplate(Remote);
        responses["instructions"] = new string('d', 1_500_000);
        Add(Responses, FuzzKey.User, responses, "1.5 MB instructions");
        var embeddings = EmbeddingsTemplate();
        embeddings["model"] = Local;
        embeddings["input"] = new string('e', 1_000_000);
        Add(Embeddings, FuzzKey.User, embeddings, "1 MB embedding input to the local model");
        var completion = CompletionsTemplate();
        completion["model"] = Remote;
        completion["prompt"] = new JsonArray([.. Enumerable.Range(0, 20).Select(_ => (JsonNode)new string('f', 90_000))]);
        Add(Completions, FuzzKey.User, completion, "20 prompts of 90 kB");

        foreach (var (path, key) in new[] { (Chat, FuzzKey.User), (Route, FuzzKey.User), (AdminKeys, FuzzKey.Admin), (Mcp, FuzzKey.User), (Chat, FuzzKey.None), (Feedback, FuzzKey.User) })
        {
            var body = ChatTemplate(Remote, full: false);
            body["messages"]![1]!["content"] = new string('g', over);
            Add(path, key, body, "body over the limit");
        }
    }

    private void McpCalls()
    {
        string[] names = ["calculator", "clock", "search", "http_get", "no_such_tool", "", "../calculator", new string('n', 5_000), "tool:calculator"];
        string[] expressions =
        [
            "1/0", "0/0", "2^99999", "1e308*10", "sqrt(-1)", new string('(', 5_000) + "1" + new string(')', 5_000), new string('9', 20_000), "1+",
            "((((", "-(-(-(-1)))", "abc", "", "1e400", "5 % 0", string.Concat(Enumerable.Repeat("1+", 50_000)) + "1",
        ];
        string[] methods = ["initialize", "tools/list", "tools/call", "ping", "resources/list", "prompts/list", "notifications/initialized", "logging/setLevel", "no/such", ""];
        for (var i = 0; i < 170; i++)
        {
            var method = i < 120 ? "tools/call" : Pick(methods);
            var arguments = _random.Next(5) switch
            {
                0 => Raw(Pick("null", "5", "\"x\"", "[]", "[1,2]", Nest(200))),
                1 => Obj(("expression", Raw(Pick("5", "null", "[]", "{}", "1e400", "true")))),
                2 => Obj(("query", Pick(expressions)), ("top_k", Raw(Pick("-1", "1e9", "0")))),
                _ => Obj(("expression", Pick(expressions))),
            };
            JsonNode id = _random.Next(6) switch
            {
                0 => "string-id",
                1 => Raw(Pick("null", "{}", "[]", "1.5", "1e400")),
                _ => _random.Next(100_000),
            };
            var body = Obj(("jsonrpc", _random.Next(10) == 0 ? "1.0" : "2.0"), ("id", id), ("method", method),
                ("params", _random.Next(10) == 0 ? Raw(Pick("5", "[]", "\"x\"")) : Obj(("name", Pick(names)), ("arguments", arguments))));
            if (_random.Next(8) == 0)
            {
                body.Remove("id");
            }

            Add(Mcp, FuzzKey.User, _random.Next(12) == 0 ? Bytes(new JsonArray(body)) : Bytes(body), $"mcp {method}");
        }

        Add(Mcp, FuzzKey.User, System.Text.Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", 500)) + "]"), "mcp batch of 500");
    }
}
