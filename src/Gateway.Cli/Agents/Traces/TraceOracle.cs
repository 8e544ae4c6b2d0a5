using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Routing.Aptitude;
using Gateway.Routing.Aptitude.Tools;

namespace Gateway.Cli.Agents.Traces;

/// <summary>
/// Plays an item's reference plan as each role model of an agent would: reads the request the agent sent (its
/// messages, tools and response format, as on the wire) and answers with what a perfect model of that role writes.
/// Tool results come from the request itself (observations, tool messages), so the values it passes on are the real
/// tools' outputs. Completions: <c>{"content": …}</c> or <c>{"tool_calls": [OpenAI tool calls]}</c>.
/// </summary>
internal static partial class TraceOracle
{
    /// <summary>Writes JSON without escaping quotes, <c>+</c> or non-ASCII, so a plan reads as a model would write it.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Complete(string kind, string role, AptitudeItem item, JsonObject request)
    {
        var plan = item.Plan ?? throw new ArgumentException($"Item '{item.Id}' has no reference plan.", nameof(item));
        return (kind, role) switch
        {
            ("rewoo", "planner") => Content(ReWooPlan(plan, request)),
            ("umi", "planner") => Content(UmiDecision(plan, request)),
            ("umi", "caller") => ToolCall(UmiCall(request), request, "call_1"),
            ("react", "actor") => ReActTurn(item, plan, request),
            (_, "solver" or "summarizer") => Content(Answer(item)),
            _ => throw new ArgumentException($"The oracle has no '{role}' role for '{kind}' agents.", nameof(role)),
        };
    }

    /// <summary>The final answer in the form the suite's instruction asks for.</summary>
    public static string Answer(AptitudeItem item) => "Answer: " + item.Expected;

    private static string ReWooPlan(IReadOnlyList<PlanStep> plan, JsonObject request)
    {
        if (request["response_format"]?["json_schema"]?["schema"] is not JsonObject schema)
        {
            return string.Join("\n", plan.Select((s, i) => $"#E{i + 1} = {s.Tool}[{s.Input}]"));
        }

        // The paper-style schema asks for ids and a reason per step too.
        var paper = schema["properties"]?["steps"]?["items"]?["properties"]?["plan"] is not null;
        var steps = new JsonArray();
        for (var i = 0; i < plan.Count; i++)
        {
            var step = new JsonObject();
            if (paper)
            {
                step["id"] = $"E{i + 1}";
            }

            step["tool"] = plan[i].Tool;
            step["input"] = plan[i].Input;
            if (paper)
            {
                step["plan"] = $"Call {plan[i].Tool}.";
            }

            steps.Add(step);
        }

        return new JsonObject { ["steps"] = steps }.ToJsonString(Json);
    }

    /// <summary>The next step's call, with earlier results copied from the observations, or the conclusion once all have run.</summary>
    private static string UmiDecision(IReadOnlyList<PlanStep> plan, JsonObject request)
    {
        var transcript = LastContent(request, "user");
        var results = Observation().Matches(transcript).Select(m => m.Groups[1].Value.Trim()).ToList();
        var (thought, next) = results.Count < plan.Count
            ? (ShortCall(plan[results.Count].Resolve(results)), "caller")
            : ("done", "conclusion");
        return request["response_format"] is null
            ? $"{thought}\nNext: {next}"
            : new JsonObject { ["thought"] = thought, ["next"] = next }.ToJsonString(Json);
    }

    /// <summary>The call the planner's instruction names (<c>gcd(84, 126)</c>); on a refinement turn, the call it is shown.</summary>
    private static (string Name, IReadOnlyList<string> Values) UmiCall(JsonObject request)
    {
        var last = LastContent(request, "user");
        if (Refined().Match(last) is { Success: true } refined)
        {
            var canonical = JsonNode.Parse(refined.Groups[1].Value)!;
            var arguments = canonical["arguments"]!.AsObject();
            return (canonical["name"]!.GetValue<string>(), [.. arguments.Select(a => a.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : a.Value!.ToJsonString())]);
        }

        var call = CallText().Matches(last).LastOrDefault()
            ?? throw new InvalidOperationException($"The caller's instruction names no call: {last}");
        return (call.Groups[1].Value, [.. call.Groups[2].Value.Split(", ")]);
    }

    private static JsonObject ReActTurn(AptitudeItem item, IReadOnlyList<PlanStep> plan, JsonObject request)
    {
        var results = (request["messages"] as JsonArray ?? []).Where(m => m?["role"]?.GetValue<string>() == "tool")
            .Select(m => m!["content"]?.GetValue<string>() ?? "").ToList();
        if (results.Count >= plan.Count)
        {
            return Content(Answer(item));
        }

        var step = plan[results.Count].Resolve(results);
        return ToolCall((step.Tool, [.. step.Arguments.Select(a => a.Value)]), request, $"call_{results.Count + 1}");
    }

    private static JsonObject Content(string text) => new() { ["content"] = text };

    /// <summary>One tool call, its values bound in order to the declared tool's parameters and typed by their schema.</summary>
    private static JsonObject ToolCall((string Name, IReadOnlyList<string> Values) call, JsonObject request, string id)
    {
        var declared = (request["tools"] as JsonArray ?? []).FirstOrDefault(t => t?["function"]?["name"]?.GetValue<string>() == call.Name)
            ?? throw new InvalidOperationException($"The request declares no tool '{call.Name}'.");
        var properties = declared["function"]?["parameters"]?["properties"] as JsonObject ?? [];
        var arguments = new JsonObject();
        foreach (var (property, value) in properties.Zip(call.Values))
        {
            arguments[property.Key] = Typed(value, property.Value?["type"]?.GetValue<string>());
        }

        return new JsonObject
        {
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = arguments.ToJsonString(Json) },
            }),
        };
    }

    private static JsonNode? Typed(string value, string? type) => type switch
    {
        "integer" when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        "number" when decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        "boolean" when bool.TryParse(value, out var b) => JsonValue.Create(b),
        _ => JsonValue.Create(value),
    };

    private static string ShortCall(PlanStep step) => $"{step.Tool}({string.Join(", ", step.Arguments.Select(a => a.Value))})";

    private static string LastContent(JsonObject request, string role) =>
        (request["messages"] as JsonArray ?? []).LastOrDefault(m => m?["role"]?.GetValue<string>() == role)?["content"] switch
        {
            JsonValue text when text.TryGetValue<string>(out var s) => s,
            JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())),
            _ => "",
        };

    [GeneratedRegex(@"^Observation \d+: (.*)$", RegexOptions.Multiline)]
    private static partial Regex Observation();

    [GeneratedRegex(@"^Your tool call was: (\{.*\})$", RegexOptions.Multiline)]
    private static partial Regex Refined();

    [GeneratedRegex(@"([A-Za-z_][\w\-\.]*)\((.*)\)")]
    private static partial Regex CallText();
}
