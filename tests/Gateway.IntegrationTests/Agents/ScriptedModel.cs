using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests.Agents;

/// <summary>
/// Scripted answers for a <see cref="Gateway.TestUtilities.FakeUpstream"/> standing in for the role models:
/// the catalog names the request's <c>model</c> says which role is asking.
/// </summary>
internal static class ScriptedModel
{
    /// <summary>The scripted ReWOO plan: two independent rendezvous steps, a step using both, a failing and a stalling tool.</summary>
    public const string Plan = """
        {"steps":[
          {"id":"E1","tool":"rendezvous","input":"20","plan":"first half"},
          {"id":"E2","tool":"rendezvous","input":"22","plan":"second half"},
          {"id":"E3","tool":"calculator","input":"#E1 + #E2","plan":"add the halves"},
          {"id":"E4","tool":"broken","input":"#E3","plan":"a tool that fails"},
          {"id":"E5","tool":"stall","input":"x","plan":"a tool that never answers"}]}
        """;

    /// <summary>The ReWOO plan when the caller offers <c>get_weather</c>: a server step, the caller's step, a server step using its result.</summary>
    public const string ClientPlan = """
        {"steps":[
          {"id":"E1","tool":"calculator","input":"6 * 7","plan":"a step the gateway runs"},
          {"id":"E2","tool":"get_weather","input":"Paris","plan":"the caller's tool"},
          {"id":"E3","tool":"calculator","input":"#E2 + 1","plan":"uses the caller's result"}]}
        """;

    public static async Task HandleAsync(HttpContext context, string body)
    {
        var request = JsonNode.Parse(body)!.AsObject();
        var model = request["model"]!.GetValue<string>();
        var messages = request["messages"]!.AsArray();
        var last = Text(messages[^1]!["content"]);
        if (ToolCall(model, request, messages) is { } call)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-scripted",
                @object = "chat.completion",
                created = 1,
                model,
                choices = new[]
                {
                    new
                    {
                        index = 0,
                        message = new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = call.Id, type = "function", function = new { name = call.Name, arguments = call.Arguments } } } },
                        finish_reason = "tool_calls",
                    },
                },
                usage = new { prompt_tokens = 50, completion_tokens = 10, total_tokens = 60 },
            });
            return;
        }

        var content = model switch
        {
            "scripted-planner" when ToolEnum(request).Contains("get_weather") => ClientPlan,
            // The ReAct actor once the tools have answered: the last result, and the observations it wrote down before a pause.
            "scripted-actor" => $"Last result: {Text(messages[^1]!["content"])}. Earlier: {string.Join("; ", messages.Where(m => m!["role"]!.GetValue<string>() == "assistant").Select(m => Text(m!["content"])).Where(t => t.Length > 0))}",
            "scripted-summarizer" => string.Join(" | ", last.Split('\n').Where(l => l.StartsWith("Observation", StringComparison.Ordinal))),
            "scripted-planner" when ToolEnum(request).Contains("self_calculator") =>
                """{"steps":[{"id":"E1","tool":"self_calculator","input":"6 * 7","plan":"multiply over MCP"}]}""",
            "scripted-planner" when ToolEnum(request).Contains("count_vowels") && last.Contains("vowels", StringComparison.Ordinal) =>
                """{"steps":[{"id":"E1","tool":"count_vowels","input":"banana","plan":"count with the toolset function"}]}""",
            "scripted-planner" => Plan,
            // The CRAFT coder: a program calling the retrieved toolset function when the prompt offers it.
            "scripted-coder" when last.Contains("solve()", StringComparison.Ordinal) && last.Contains("count_vowels(", StringComparison.Ordinal) =>
                "```javascript\nfunction solve() {\n  return count_vowels({ text: 'banana' });\n}\n```",
            "scripted-coder" when last.Contains("solve()", StringComparison.Ordinal) => "I cannot write that.",
            "scripted-umi-planner" => last.Contains("Observation 1:", StringComparison.Ordinal)
                ? """{"thought":"the observation answers it","next":"conclusion"}"""
                : """{"thought":"compute 6 * 7 with the calculator","next":"caller"}""",
            // The solver echoes the evidence it was shown, so a test can see what reached it.
            "scripted-solver" => string.Join(" | ", last.Split('\n').Where(l => l.StartsWith("Evidence:", StringComparison.Ordinal))),
            _ => "unscripted",
        };

        var usage = new { prompt_tokens = 100 + (last.Length / 10), completion_tokens = 10 + (content.Length / 10), total_tokens = 110 + (last.Length / 10) + (content.Length / 10) };
        if (request["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(context, model, content, request["stream_options"]?["include_usage"]?.GetValue<bool>() == true ? usage : null);
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            id = "chatcmpl-scripted",
            @object = "chat.completion",
            created = 1,
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            usage,
        });
    }

    /// <summary>The same answer as server-sent events, in pieces of 8 characters.</summary>
    private static async Task StreamAsync(HttpContext context, string model, string content, object? usage)
    {
        context.Response.ContentType = "text/event-stream";
        async Task SendAsync(object chunk)
        {
            await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n");
            await context.Response.Body.FlushAsync();
        }

        await SendAsync(new { id = "chatcmpl-scripted", @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = (object)new { role = "assistant", content = "" }, finish_reason = (string?)null } } });
        for (var i = 0; i < content.Length; i += 8)
        {
            var piece = content.Substring(i, Math.Min(8, content.Length - i));
            await SendAsync(new { id = "chatcmpl-scripted", @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = (object)new { content = piece }, finish_reason = (string?)null } } });
        }

        await SendAsync(new { id = "chatcmpl-scripted", @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = (object)new { }, finish_reason = (string?)"stop" } } });
        if (usage is not null)
        {
            await SendAsync(new { id = "chatcmpl-scripted", @object = "chat.completion.chunk", created = 1, model, choices = Array.Empty<object>(), usage });
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    /// <summary>A task starting with this makes the ReAct actor call the tool named by the rest after the calculator.</summary>
    public const string CallToolPrefix = "Call the tool ";

    /// <summary>
    /// The tool-calling roles: the ReAct actor calls the calculator, then the caller's <c>get_weather</c> (or the tool the
    /// task names after <see cref="CallToolPrefix"/>), then answers;
    /// the planner/caller/summarizer's caller calls <c>get_weather</c> when it is offered.
    /// </summary>
    private static (string Id, string Name, string Arguments)? ToolCall(string model, JsonObject request, JsonArray messages)
    {
        var offered = request["tools"] is JsonArray tools ? tools.Select(t => t!["function"]!["name"]!.GetValue<string>()).ToList() : [];
        var called = messages.LastOrDefault(m => m!["tool_calls"] is JsonArray)?["tool_calls"]![0]!["function"]!["name"]!.GetValue<string>();
        var task = Text(messages.FirstOrDefault(m => m!["role"]!.GetValue<string>() == "user")?["content"]);
        return model switch
        {
            "scripted-actor" when called is null => ("call_calc", "calculator", """{"expression":"6 * 7"}"""),
            // A task that names a tool steers the actor to it, offered or not, as a caller can talk a model into any name.
            "scripted-actor" when called == "calculator" && task.StartsWith(CallToolPrefix, StringComparison.Ordinal) =>
                ("call_named", task[CallToolPrefix.Length..], "{}"),
            "scripted-actor" when called == "calculator" && offered.Contains("get_weather") => ("call_weather", "get_weather", """{"city":"Paris"}"""),
            "scripted-caller" when offered.Contains("get_weather") => ("call_weather", "get_weather", """{"city":"Paris"}"""),
            _ => null,
        };
    }

    /// <summary>A message's text, whether its content is a string or a list of parts.</summary>
    private static string Text(JsonNode? content) => content switch
    {
        JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())),
        null => "",
        _ => content.GetValue<string>(),
    };

    /// <summary>The tool names the planner was constrained to (the plan schema's enum).</summary>
    public static IReadOnlyList<string> ToolEnum(JsonObject request) =>
        request["response_format"]?["json_schema"]?["schema"]?["properties"]?["steps"]?["items"]?["properties"]?["tool"]?["enum"] is JsonArray values
            ? [.. values.Select(v => v!.GetValue<string>())]
            : [];
}
