using System.Text.Json;

namespace Gateway.Inference.Grammar;

/// <summary>
/// Turns a JSON schema into a GBNF grammar for llama.cpp's grammar-constrained sampling. The JSON is written
/// compactly (<c>{"a": 1, "b": [2, 3]}</c>); how long strings and arrays may grow, and which characters a
/// string may hold, follow the <see cref="JsonGrammarLimits"/> unless the schema says more.
/// </summary>
public static class JsonSchemaGrammar
{
    private const int MaxDepth = 8;

    private const string Date = "[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [12] [0-9] | \"3\" [01] )";
    private const string Time = "( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{1,3} )? ( \"Z\" | [+-] ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )";

    /// <summary>
    /// The string formats of JSON Schema (and OpenAI's structured outputs) the grammar produces exactly; other
    /// formats are annotations, as JSON Schema allows, and leave the string unconstrained.
    /// </summary>
    private static readonly Dictionary<string, string> Formats = new(StringComparer.Ordinal)
    {
        ["date"] = Date,
        ["time"] = Time,
        ["date-time"] = $"{Date} \"T\" {Time}",
        ["uuid"] = "[0-9a-f]{8} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{4} \"-\" [0-9a-f]{12}",
        ["email"] = "[a-z0-9] [a-z0-9._-]{0,15} \"@\" [a-z0-9] [a-z0-9-]{0,15} ( \".\" [a-z]{2,6} ){1,2}",
        ["ipv4"] = "( [0-9] | [1-9] [0-9] | \"1\" [0-9]{2} | \"2\" [0-4] [0-9] | \"25\" [0-5] ) ( \".\" ( [0-9] | [1-9] [0-9] | \"1\" [0-9]{2} | \"2\" [0-4] [0-9] | \"25\" [0-5] ) ){3}",
        ["hostname"] = "[a-z0-9] [a-z0-9-]{0,15} ( \".\" [a-z0-9] [a-z0-9-]{0,15} ){0,3}",
    };

    /// <summary>A grammar for a JSON document matching <paramref name="schema"/>, rooted at <c>root</c>.</summary>
    public static string FromSchema(JsonElement schema, JsonGrammarLimits? limits = null) => Guarded(() =>
    {
        var rules = new GbnfRules(limits);
        var value = Visit(rules, schema, schema, "value", 0);
        rules.Set("root", value);
        AddPrimitives(rules);
        return Bounded(rules.ToString());
    });

    /// <summary>Returns the grammar once it is within <see cref="GrammarBounds"/>; throws a <see cref="GrammarException"/> if not.</summary>
    internal static string Bounded(string grammar)
    {
        GrammarBounds.Check(grammar);
        return grammar;
    }

    /// <summary>
    /// Runs a grammar build, turning a keyword of the wrong JSON type (<c>"maxLength": "5"</c>, <c>"type": 5</c>), which
    /// the element accessors report as their own exceptions, into a <see cref="GrammarException"/> like any other
    /// schema the grammar cannot follow.
    /// </summary>
    internal static string Guarded(Func<string> build)
    {
        try
        {
            return build();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new GrammarException($"The schema has a keyword of the wrong type ({e.Message})");
        }
    }

    /// <summary>A grammar for any JSON object (the <c>json_object</c> response format).</summary>
    public static string AnyObject(JsonGrammarLimits? limits = null)
    {
        var rules = new GbnfRules(limits);
        rules.Set("root", "object");
        AddAnyValue(rules);
        AddPrimitives(rules);
        return Bounded(rules.ToString());
    }

    /// <summary>Adds the rule for a value matching <paramref name="schema"/> and returns an expression referencing it.</summary>
    internal static string Visit(GbnfRules rules, JsonElement schema, JsonElement document, string name, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new GrammarException($"The schema nests deeper than {MaxDepth} levels (or refers to itself).");
        }
        if (schema.ValueKind == JsonValueKind.True || schema.ValueKind == JsonValueKind.Undefined)
        {
            return AnyValue(rules);
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new GrammarException($"Schema at '{name}' must be an object.");
        }
        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Visit(rules, Resolve(document, reference.GetString() ?? ""), document, name, depth + 1);
        }
        if (schema.TryGetProperty("const", out var constant))
        {
            return rules.Add(name, GbnfRules.Literal(constant.GetRawText()));
        }
        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            var options = values.EnumerateArray().Select(v => GbnfRules.Literal(Compact(v))).ToList();
            if (options.Count == 0)
            {
                throw new GrammarException($"Schema at '{name}' has an empty enum.");
            }
            return rules.Add(name, string.Join(" | ", options));
        }
        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(keyword, out var alternatives) && alternatives.ValueKind == JsonValueKind.Array)
            {
                var parts = alternatives.EnumerateArray().Select((s, i) => Visit(rules, s, document, $"{name}-{i}", depth + 1)).ToList();
                return rules.Add(name, string.Join(" | ", parts));
            }
        }
        if (schema.TryGetProperty("allOf", out var all) && all.ValueKind == JsonValueKind.Array && all.GetArrayLength() == 1)
        {
            return Visit(rules, all[0], document, name, depth + 1);
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? VisitObject(rules, schema, document, name, depth) : AnyValue(rules);
        }
        if (type.ValueKind == JsonValueKind.Array)
        {
            var parts = type.EnumerateArray().Select(t => VisitType(rules, t.GetString() ?? "", schema, document, $"{name}-{t.GetString()}", depth)).ToList();
            return rules.Add(name, string.Join(" | ", parts));
        }
        return VisitType(rules, type.GetString() ?? "", schema, document, name, depth);
    }

    private static string VisitType(GbnfRules rules, string type, JsonElement schema, JsonElement document, string name, int depth) => type switch
    {
        "object" => VisitObject(rules, schema, document, name, depth),
        "array" => VisitArray(rules, schema, document, name, depth),
        "string" => VisitString(rules, schema, name),
        "integer" => VisitInteger(rules, schema, name),
        "number" => VisitNumber(rules, schema, name),
        "boolean" => "boolean",
        "null" => "null",
        _ => throw new GrammarException($"Schema at '{name}' has unsupported type '{type}'."),
    };

    private static string VisitObject(GbnfRules rules, JsonElement schema, JsonElement document, string name, int depth)
    {
        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return AnyObjectRule(rules);
        }
        // Every declared property is produced, in declared order: a stable shape is what callers parse.
        var members = new List<string>();
        foreach (var property in properties.EnumerateObject())
        {
            var value = Visit(rules, property.Value, document, $"{name}-{property.Name}", depth + 1);
            members.Add($"{GbnfRules.Literal(JsonSerializer.Serialize(property.Name) + ": ")} {value}");
        }
        var body = members.Count == 0
            ? "\"{}\""
            : "\"{\" " + string.Join(" \", \" ", members) + " \"}\"";
        return rules.Add(name, body);
    }

    private static string VisitArray(GbnfRules rules, JsonElement schema, JsonElement document, string name, int depth)
    {
        var item = schema.TryGetProperty("items", out var items)
            ? Visit(rules, items, document, $"{name}-item", depth + 1)
            : AnyValue(rules);
        var min = schema.TryGetProperty("minItems", out var minItems) ? minItems.GetInt32() : 0;
        int? max = schema.TryGetProperty("maxItems", out var maxItems) ? Enforceable(maxItems.GetInt32(), rules.Limits.MaxItems, min) : null;
        max ??= rules.Limits.MaxItems is { } limit ? Math.Max(min, limit) : null;
        if (min < 0 || max < min)
        {
            throw new GrammarException($"Schema at '{name}' has an impossible item count.");
        }
        string body;
        if (max == 0)
        {
            body = "\"[]\"";
        }
        else if (min == 0)
        {
            body = $"\"[\" ( {item} ( \", \" {item} ){Count(0, max - 1)} )? \"]\"";
        }
        else
        {
            body = $"\"[\" {item} ( \", \" {item} ){Count(min - 1, max - 1)} \"]\"";
        }
        return rules.Add(name, body);
    }

    private static string VisitInteger(GbnfRules rules, JsonElement schema, string name)
    {
        var (low, lowExclusive) = Bound(schema, "minimum", "exclusiveMinimum", name, lower: true);
        var (high, highExclusive) = Bound(schema, "maximum", "exclusiveMaximum", name, lower: false);
        if (low is null && high is null)
        {
            return "integer";
        }
        var lo = low is { } l ? (long)(lowExclusive ? Math.Floor(l) + 1 : Math.Ceiling(l)) : (long?)null;
        var hi = high is { } h ? (long)(highExclusive ? Math.Ceiling(h) - 1 : Math.Floor(h)) : (long?)null;
        lo ??= Math.Min(-RangeGrammar.Reach, hi!.Value - RangeGrammar.Reach);
        hi ??= Math.Max(RangeGrammar.Reach, lo.Value + RangeGrammar.Reach);
        return rules.Add(name, RangeGrammar.Integer(lo.Value, hi.Value));
    }

    private static string VisitNumber(GbnfRules rules, JsonElement schema, string name)
    {
        var (low, lowExclusive) = Bound(schema, "minimum", "exclusiveMinimum", name, lower: true);
        var (high, highExclusive) = Bound(schema, "maximum", "exclusiveMaximum", name, lower: false);
        if (low is null && high is null)
        {
            return "number";
        }
        // An exclusive bound moves to the next whole number, so the grammar never writes the bound itself.
        var lo = low is { } l ? (lowExclusive ? Math.Floor(l) + 1 : l) : Math.Min(-RangeGrammar.Reach, high!.Value - RangeGrammar.Reach);
        var hi = high is { } h ? (highExclusive ? Math.Ceiling(h) - 1 : h) : Math.Max(RangeGrammar.Reach, lo + RangeGrammar.Reach);
        return rules.Add(name, RangeGrammar.Number(lo, hi));
    }

    /// <summary>The tighter of a schema's inclusive and exclusive bound on one side, and whether it is exclusive.</summary>
    private static (double? Value, bool Exclusive) Bound(JsonElement schema, string inclusiveName, string exclusiveName, string name, bool lower)
    {
        double? inclusive = null, exclusive = null;
        if (schema.TryGetProperty(inclusiveName, out var i))
        {
            inclusive = i.ValueKind == JsonValueKind.Number ? i.GetDouble() : throw new GrammarException($"Schema at '{name}' has a '{inclusiveName}' that is not a number.");
        }
        if (schema.TryGetProperty(exclusiveName, out var e))
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Number:
                    exclusive = e.GetDouble();
                    break;
                case JsonValueKind.True when inclusive is not null:
                    // Draft 4: a boolean that makes the inclusive bound exclusive.
                    return (inclusive, true);
                case JsonValueKind.True or JsonValueKind.False:
                    break;
                default:
                    throw new GrammarException($"Schema at '{name}' has an '{exclusiveName}' that is not a number.");
            }
        }
        if (inclusive is not null && exclusive is not null)
        {
            var exclusiveTighter = lower ? exclusive >= inclusive : exclusive <= inclusive;
            return exclusiveTighter ? (exclusive, true) : (inclusive, false);
        }
        return inclusive is not null ? (inclusive, false) : (exclusive, exclusive is not null);
    }

    private static string VisitString(GbnfRules rules, JsonElement schema, string name)
    {
        // A pattern or a known format says more than the lengths do; the lengths are then not applied.
        if (schema.TryGetProperty("pattern", out var pattern))
        {
            if (pattern.ValueKind != JsonValueKind.String)
            {
                throw new GrammarException($"Schema at '{name}' has a 'pattern' that is not a string.");
            }
            return rules.Add(name, Quoted(PatternGrammar.Translate(pattern.GetString()!, rules.Limits.OpenRepeat)));
        }
        if (schema.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && Formats.TryGetValue(format.GetString()!, out var formatted))
        {
            return rules.Add(name, Quoted(formatted));
        }
        var hasMin = schema.TryGetProperty("minLength", out var minLength);
        var hasMax = schema.TryGetProperty("maxLength", out var maxLength);
        if (!hasMin && !hasMax)
        {
            return "string";
        }
        var min = hasMin ? minLength.GetInt32() : 0;
        int? max = hasMax ? Enforceable(maxLength.GetInt32(), rules.Limits.MaxStringLength, min) : null;
        max ??= rules.Limits.MaxStringLength is { } limit ? Math.Max(min, limit) : null;
        if (min < 0 || max < min)
        {
            throw new GrammarException($"Schema at '{name}' has an impossible string length.");
        }
        return rules.Add(name, Quoted($"char{Count(min, max)}"));
    }

    /// <summary>
    /// A schema's upper count as the grammar enforces it: as is up to <see cref="GrammarBounds.MaxRepetitionExpansion"/>;
    /// above, a grammar would need too many rules for it, so the count is left open (null) as llama.cpp itself leaves
    /// larger counts, or, where the limits bound free values (<paramref name="limit"/>), held to that bound.
    /// </summary>
    private static int? Enforceable(int max, int? limit, int min) =>
        max <= GrammarBounds.MaxRepetitionExpansion || max < min ? max : limit is { } l ? Math.Max(min, l) : null;

    /// <summary>A GBNF repetition count: exactly n, n to m, or n and more.</summary>
    private static string Count(int min, int? max) => max == min ? $"{{{min}}}" : max is { } m ? $"{{{min},{m}}}" : min == 0 ? "*" : $"{{{min},}}";

    /// <summary>A JSON string whose characters (between the quotes) follow <paramref name="contents"/>.</summary>
    private static string Quoted(string contents) => $"\"\\\"\" {contents} \"\\\"\"";

    private static string AnyValue(GbnfRules rules)
    {
        AddAnyValue(rules);
        return "value";
    }

    private static string AnyObjectRule(GbnfRules rules)
    {
        AddAnyValue(rules);
        return "object";
    }

    private static void AddAnyValue(GbnfRules rules)
    {
        if (rules.Contains("value"))
        {
            return;
        }
        var more = Count(0, rules.Limits.MaxItems - 1);
        rules.Set("value", "object | array | scalar");
        rules.Set("object", $"\"{{\" ( member ( \", \" member ){more} )? \"}}\"");
        if (rules.Limits.ShallowObjects)
        {
            rules.Set("member", "string \": \" ( scalar | array | inner-object )");
            rules.Set("inner-object", $"\"{{\" ( string \": \" scalar ( \", \" string \": \" scalar ){more} )? \"}}\"");
            rules.Set("array", $"\"[\" ( scalar ( \", \" scalar ){more} )? \"]\"");
        }
        else
        {
            rules.Set("member", "string \": \" value");
            rules.Set("array", $"\"[\" ( value ( \", \" value ){more} )? \"]\"");
        }
        rules.Set("scalar", "string | number | boolean | null");
    }

    private static void AddPrimitives(GbnfRules rules)
    {
        var limits = rules.Limits;
        rules.Set("string", Quoted($"char{Count(0, limits.MaxStringLength)}"));
        // Plain: '#' lets a plan refer to earlier evidence (#E1) inside a string. Otherwise any JSON string
        // character, escapes included, but no \u escape of half a surrogate pair.
        rules.Set("char", limits.PlainStrings
            ? "[a-zA-Z0-9 _.,:;!?#]"
            : "[^\"\\\\\\x00-\\x1F\\x7F] | \"\\\\\" ( [\"\\\\/bfnrt] | \"u\" ( [0-9a-cA-Ce-fE-F] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2} ) )");
        rules.Set("integer", limits.PlainStrings ? "\"-\"? ( [0-9] | [1-9] [0-9]{1,5} )" : "\"-\"? ( [0-9] | [1-9] [0-9]{1,15} )");
        rules.Set("number", limits.PlainStrings ? "integer ( \".\" [0-9]{1,4} )?" : "integer ( \".\" [0-9]{1,15} )? ( [eE] [-+]? [0-9]{1,3} )?");
        rules.Set("boolean", "\"true\" | \"false\"");
        rules.Set("null", "\"null\"");
    }

    private static JsonElement Resolve(JsonElement document, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new GrammarException($"Only local schema references are supported, not '{reference}'.");
        }
        var node = document;
        foreach (var segment in reference[2..].Split('/'))
        {
            var key = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(key, out node))
            {
                throw new GrammarException($"Schema reference '{reference}' does not resolve.");
            }
        }
        return node;
    }

    private static string Compact(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? JsonSerializer.Serialize(value.GetString())
        : value.GetRawText();
}
