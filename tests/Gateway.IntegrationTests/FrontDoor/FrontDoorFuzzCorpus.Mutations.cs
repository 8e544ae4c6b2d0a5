using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>Random mutations of a template, and bodies that are no JSON object at all.</summary>
internal sealed partial class FrontDoorFuzzCorpus
{
    private void RandomMutation(string path, FuzzKey key, JsonObject body)
    {
        var applied = new List<string>();
        var count = _random.Next(4) == 0 ? _random.Next(2, 4) : 1;
        for (var i = 0; i < count; i++)
        {
            applied.Add(Mutate(body));
        }

        var headers = new List<(string, string)>();
        if (_random.Next(6) == 0)
        {
            headers.Add(("x-gateway-cache", Pick("true", "false", "yes", "", "semantic")));
        }

        if (_random.Next(6) == 0)
        {
            headers.Add(("x-gateway-route", Pick("{\"profile\":\"cheap\"}", "{\"profile\":\"nope\"}", "{\"weights\":{\"cost\":1e400}}", "{", "[]", "null",
                "{\"allow\":[5],\"deny\":{},\"max_price\":-1}", "{\"explain\":\"yes\"}", Nest(100), "{\"profile\":\"cheap\",\"profile\":\"small\"}")));
        }

        if (_random.Next(10) == 0)
        {
            headers.AddRange([("OpenAI-Organization", "org-victim"), ("Cookie", "session=stolen"), ("x-request-id", Pick("", new string('r', 500), "id with spaces"))]);
        }

        var bytes = Bytes(body);
        _requests.Add(new FuzzRequest(path, key, bytes, string.Join(", ", applied) + (headers.Count > 0 ? " + headers " + string.Join(" ", headers.Select(h => h.Item1)) : ""))
        {
            OverLimit = bytes.Length > _bodyLimit,
            Headers = headers,
        });
    }

    /// <summary>Applies one random mutation to the body (in place) and says which.</summary>
    private string Mutate(JsonObject body)
    {
        var slots = Slots(body);
        if (slots.Count == 0)
        {
            return "nothing to mutate";
        }

        var (parent, name, index) = slots[_random.Next(slots.Count)];
        var label = Describe(parent, name, index);
        switch (_random.Next(9))
        {
            case 0:
                Remove(parent, name, index);
                return "remove " + label;
            case 1:
                var value = WrongValues[_random.Next(WrongValues.Length)];
                Set(parent, name, index, Raw(value));
                return $"{label} = {Truncate(value, 40)}";
            case 2:
                // A second property of the same name, in the top-level object or any nested one.
                var objects = slots.Select(s => s.Parent).OfType<JsonObject>().Prepend(body).Distinct().ToList();
                var target = objects[_random.Next(objects.Count)];
                if (target.Count == 0)
                {
                    return "no duplicate";
                }

                var duplicated = target.ElementAt(_random.Next(target.Count)).Key;
                target[Placeholder(Encoding.UTF8.GetBytes(Quote(duplicated)))] = Raw(WrongValues[_random.Next(WrongValues.Length)]);
                return "duplicate " + duplicated;
            case 3:
                var depth = new[] { 10, 62, 63, 64, 65, 100, 300, 500 }[_random.Next(8)];
                Set(parent, name, index, Raw(Nest(depth)));
                return $"{label} nested {depth} deep";
            case 4:
                Set(parent, name, index, JsonValue.Create(Placeholder([.. "\"ok"u8.ToArray(), .. InvalidUtf8(), .. "\""u8.ToArray()])));
                return label + " invalid UTF-8";
            case 5:
                var surrogate = new[] { "\\ud800", "\\udfff", "\\ud800\\u0041", "\\udc00\\ud800", "x\\ud83d" }[_random.Next(5)];
                SetName(parent, name, index, "\"" + surrogate + "\"");
                return label + " lone surrogate";
            case 6:
                var number = new[] { "1e400", "-1e400", "99999999999999999999999", "-5", "0.5", "1e-400", "4294967296", "2147483648", "-2147483649", "1e18" }[_random.Next(10)];
                Set(parent, name, index, Raw(number));
                return $"{label} = {number}";
            case 7:
                Set(parent, name, index, Raw("\"" + new string('s', _random.Next(10_000, 200_000)) + "\""));
                return label + " long string";
            default:
                var extra = "extra_" + _random.Next(1000).ToString(CultureInfo.InvariantCulture);
                body[extra] = Raw(WrongValues[_random.Next(WrongValues.Length)]);
                return "unknown field " + extra;
        }
    }

    /// <summary>Replaces a slot's value, or for a property whose value is a string, sometimes its name instead.</summary>
    private void SetName(JsonNode parent, string? name, int index, string rawValue)
    {
        if (name is not null && parent is JsonObject obj && _random.Next(3) == 0)
        {
            var value = obj[name]?.DeepClone();
            obj.Remove(name);
            obj[Placeholder(Encoding.UTF8.GetBytes(rawValue))] = value;
            return;
        }

        Set(parent, name, index, Raw(rawValue));
    }

    /// <summary>Bodies that are not JSON objects at all: empty, truncated, random bytes, other JSON values.</summary>
    private void Garbage(string path, FuzzKey key)
    {
        foreach (var text in new[] { "", " ", "null", "[]", "\"text\"", "123", "{", "}", "{}", "{\"model\":", "\uFEFF{}", "{} {}", "[{}]" })
        {
            Add(path, key, Encoding.UTF8.GetBytes(text), $"literal '{text}'");
        }

        for (var i = 0; i < 12; i++)
        {
            var bytes = new byte[_random.Next(1, 2_048)];
            _random.NextBytes(bytes);
            Add(path, key, bytes, "random bytes");
        }

        for (var i = 0; i < 12; i++)
        {
            var whole = Bytes(path == Mcp ? McpTemplate() : ChatTemplate());
            Add(path, key, whole[.._random.Next(1, whole.Length)], "truncated");
        }
    }
}
