using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>
/// Hostile JSON schemas and regular-expression patterns for <c>response_format</c> and tool parameters: nested bounded
/// repetitions, patterns llama.cpp refuses, huge alternations and enums, <c>$ref</c> cycles, deep nesting, absurd
/// bounds and values of the wrong kind. Each is built from the caller's seeded <see cref="Random"/>.
/// </summary>
internal static class FuzzSchemas
{
    private static readonly string[] FixedPatterns =
    [
        "(a{0,1000}){0,10}", "((a{0,100}){0,100}){0,100}", "()*", "(a*)*", "(a|aa)*b", "(|a)+", "x{1000000}", "a{0,2147483647}",
        "a{99999999999}", "a{5,3}", "[", "(", ")", "\\", "a**", "(?=a)b", "(?<n>a)\\k<n>", "\\p{L}+", "[^\\x00-\\x7f]", "[\\u0000-\\uffff]{0,500}",
        ".{0,100000}", "^$", "^", "$", "[z-a]", "\\d{1,1000}\\w{1,1000}", "(((((((((((a)))))))))))", "[[[[[[]]]]]]", "a|", "|", "{", "{1}",
        "(a{1,50}){1,50}(b{1,50}){1,50}", "[\\w\\W]*", "\\ud800", "(a(b(c(d(e(f(g)*)*)*)*)*)*)*", "^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+)$",
    ];

    private static readonly string[] Types = ["object", "array", "string", "number", "integer", "boolean", "null"];

    /// <summary>A hostile pattern: one of the fixed ones, or a generated alternation, nesting or repetition.</summary>
    public static string Pattern(Random random) => random.Next(6) switch
    {
        0 => Alternation(random, random.Next(2) == 0 ? 2_000 : 20_000),
        1 => new string('(', 300) + "a" + new string(')', 300),
        2 => string.Concat(Enumerable.Repeat("(a{0,9})", random.Next(10, 200))),
        3 => new string('a', random.Next(1_000, 100_000)),
        _ => FixedPatterns[random.Next(FixedPatterns.Length)],
    };

    /// <summary>A hostile schema; <paramref name="raw"/> turns raw JSON text (numbers no parser keeps) into a node.</summary>
    public static JsonNode Schema(Random random, Func<string, JsonNode> raw)
    {
        switch (random.Next(24))
        {
            case 0:
            case 1:
                return Obj(("type", "object"), ("properties", Obj(("a", Obj(("type", "string"), ("pattern", Pattern(random)))))), ("required", Arr("a")));
            case 2:
                return Obj(("type", "string"), ("pattern", Pattern(random)), ("minLength", random.Next(0, 3)), ("maxLength", random.Next(0, 100_000)));
            case 3:
                // A cycle through $defs, a self-reference and a reference to nothing.
                return random.Next(3) switch
                {
                    0 => Obj(("$defs", Obj(("a", Obj(("$ref", "#/$defs/b"))), ("b", Obj(("$ref", "#/$defs/a"))))), ("$ref", "#/$defs/a")),
                    1 => Obj(("type", "object"), ("properties", Obj(("child", Obj(("$ref", "#"))))), ("required", Arr("child"))),
                    _ => Obj(("$ref", random.Next(2) == 0 ? "#/$defs/missing" : "http://127.0.0.1:1/schema.json")),
                };
            case 4:
                return Obj(("definitions", Obj(("n", Obj(("type", "array"), ("items", Obj(("$ref", "#/definitions/n"))), ("minItems", 1))))), ("$ref", "#/definitions/n"));
            case 5:
                return Deep(random, random.Next(2, 40), "properties");
            case 6:
                return Deep(random, random.Next(2, 70), "items");
            case 7:
                return Deep(random, random.Next(2, 40), "anyOf");
            case 8:
                return Obj(("enum", new JsonArray([.. Enumerable.Range(0, random.Next(1_000, 20_000)).Select(i => (JsonNode)JsonValue.Create("value-" + i.ToString(CultureInfo.InvariantCulture))!)])));
            case 9:
                return Obj(("type", "integer"), ("enum", new JsonArray([.. Enumerable.Range(0, random.Next(1_000, 30_000)).Select(i => (JsonNode)JsonValue.Create(i)!)])));
            case 10:
                return Obj(("anyOf", new JsonArray([.. Enumerable.Range(0, random.Next(100, 2_000)).Select(i => (JsonNode)Obj(("const", "c" + i.ToString(CultureInfo.InvariantCulture))))])));
            case 11:
                return Obj(("type", "array"), ("items", Obj(("type", "string"))), ("minItems", random.Next(1_000, 1_000_000)), ("maxItems", random.Next(0, 10)));
            case 12:
                return Obj(("type", "string"), ("minLength", raw(random.Next(2) == 0 ? "100000000" : "1e30")), ("maxLength", raw("9223372036854775808")));
            case 13:
                return Obj(("type", random.Next(2) == 0 ? "integer" : "number"), ("minimum", raw(Number(random))), ("maximum", raw(Number(random))),
                    ("exclusiveMinimum", raw(Number(random))), ("multipleOf", raw(Number(random))));
            case 14:
                return Obj(("type", "object"), ("properties", Obj([.. Enumerable.Range(0, random.Next(200, 3_000))
                    .Select(i => ("p" + i.ToString(CultureInfo.InvariantCulture), (JsonNode)Obj(("type", Types[i % Types.Length]))))])),
                    ("required", new JsonArray([.. Enumerable.Range(0, 50).Select(i => (JsonNode)JsonValue.Create("p" + i.ToString(CultureInfo.InvariantCulture))!)])));
            case 15:
                // Names no grammar literal quotes naively.
                return Obj(("type", "object"), ("properties", Obj(("\"q\\uote\\", Obj(("type", "string"))), ("new\nline", Obj(("type", "number"))),
                    ("nul\u0000", Obj(("const", "\u0000\"\\"))), ("emoji 😀", Obj(("enum", Arr("\u2028", "\\", "\"")))))), ("required", Arr("\"q\\uote\\", "nul\u0000")));
            case 16:
                return random.Next(6) switch
                {
                    0 => raw("true"),
                    1 => raw("false"),
                    2 => raw("null"),
                    3 => raw("5"),
                    4 => raw("\"object\""),
                    _ => raw("[{\"type\":\"object\"}]"),
                };
            case 17:
                return Obj(("type", random.Next(3) switch { 0 => raw("[\"string\",\"null\",5,{}]"), 1 => raw("\"bogus\""), _ => raw("7") }));
            case 18:
                return Obj(("type", "object"), ("properties", raw(random.Next(2) == 0 ? "[]" : "\"x\"")), ("required", raw(random.Next(2) == 0 ? "\"a\"" : "[1,null,{}]")),
                    ("additionalProperties", raw(random.Next(2) == 0 ? "{\"$ref\":\"#\"}" : "5")));
            case 19:
                return Obj(("type", "array"), ("prefixItems", new JsonArray([.. Enumerable.Range(0, random.Next(1, 500)).Select(_ => (JsonNode)Obj(("type", Types[random.Next(Types.Length)])))])),
                    ("items", raw("false")));
            case 20:
                return Obj(("const", raw(Nested(random.Next(1, 60)))));
            case 21:
                return Obj(("type", "string"), ("format", random.Next(4) switch { 0 => "date-time", 1 => "uuid", 2 => "email", _ => "no-such-format" }),
                    ("pattern", Pattern(random)));
            case 22:
                return Obj(("allOf", Arr(Obj(("type", "string")), Obj(("type", "integer")))), ("oneOf", Arr(Obj(("not", Obj())))));
            default:
                return Obj(("type", "object"), ("properties", Obj(("a", Schema(random, raw)), ("b", Schema(random, raw)))), ("required", Arr("a", "b")));
        }
    }

    /// <summary>Tools whose parameters are hostile, or whose names and shapes are.</summary>
    public static JsonArray Tools(Random random, Func<string, JsonNode> raw)
    {
        var tools = new JsonArray();
        var count = random.Next(8) == 0 ? random.Next(100, 140) : random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            var name = random.Next(10) switch
            {
                0 => "",
                1 => new string('t', random.Next(100, 20_000)),
                2 => "bad \"name\"\n\\",
                3 => "dup",
                _ => "tool_" + i.ToString(CultureInfo.InvariantCulture),
            };
            JsonNode parameters = random.Next(3) == 0 ? raw(random.Next(3) switch { 0 => "5", 1 => "\"x\"", _ => "[]" }) : Schema(random, raw);
            tools.Add(random.Next(12) switch
            {
                0 => raw("5"),
                1 => Obj(("type", "function"), ("function", raw("\"f\""))),
                2 => Obj(("type", "function"), ("function", Obj(("name", raw("7")), ("parameters", parameters)))),
                _ => Obj(("type", "function"), ("function", Obj(("name", name), ("description", "d"), ("parameters", parameters)))),
            });
        }

        return tools;
    }

    private static string Number(Random random) => random.Next(10) switch
    {
        0 => "1e400",
        1 => "-1e400",
        2 => "1e-400",
        3 => "123456789012345678901234567890",
        4 => "-9223372036854775809",
        5 => "0.1",
        6 => "0",
        7 => "-1",
        8 => "1e308",
        _ => random.Next().ToString(CultureInfo.InvariantCulture),
    };

    private static string Alternation(Random random, int count)
    {
        var text = new StringBuilder("(");
        for (var i = 0; i < count; i++)
        {
            text.Append(i == 0 ? "" : "|").Append('w').Append(random.Next(1_000_000).ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(')').ToString();
    }

    private static JsonNode Deep(Random random, int depth, string via)
    {
        JsonNode schema = Obj(("type", "string"), ("pattern", random.Next(3) == 0 ? Pattern(random) : "a+"));
        for (var i = 0; i < depth; i++)
        {
            schema = via switch
            {
                "properties" => Obj(("type", "object"), ("properties", Obj(("n", schema))), ("required", Arr("n"))),
                "items" => Obj(("type", "array"), ("items", schema), ("minItems", 1)),
                _ => Obj(("anyOf", Arr(schema, Obj(("type", "null"))))),
            };
        }

        return schema;
    }

    private static string Nested(int depth) => new string('[', depth) + "{\"a\":1}" + new string(']', depth);

    internal static JsonObject Obj(params (string Name, JsonNode? Value)[] properties)
    {
        var node = new JsonObject();
        foreach (var (name, value) in properties)
        {
            node[name] = value;
        }

        return node;
    }

    internal static JsonArray Arr(params JsonNode?[] items) => new(items);
}
