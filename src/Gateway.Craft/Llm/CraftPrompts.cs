using System.Text;
using Gateway.Craft.Toolsets;
using Microsoft.Extensions.AI;

namespace Gateway.Craft.Llm;

/// <summary>The prompts of tool creation, retrieval and the agent.</summary>
internal static class CraftPrompts
{
    public const string System =
        "You solve problems by writing JavaScript. The code runs in a sandbox that offers only the JavaScript language " +
        "(strict mode; no console, modules, network, files or timers). Be exact.";

    private const string AbstractionShape = """
        {"name": "snake_case_name", "docstring": "what it does, its arguments and what it returns", "parameters": {"type": "object", "properties": {"arg": {"type": "string", "description": "..."}}, "required": ["arg"]}, "code": "function snake_case_name({ arg }) { ... }", "call": {"arg": "this problem's value"}}
        """;

    private const string GuessShape = """
        {"names": ["up to three snake_case tool names"], "docstring": "a one-sentence docstring of the most useful tool"}
        """;

    public static List<ChatMessage> Solution(string problem) =>
    [
        new(ChatRole.System, System),
        new(ChatRole.User,
            $"Problem: {problem}\n\n" +
            "Write a JavaScript function `solve()` that takes no arguments, computes the answer to this problem and returns it " +
            "(a number, string, boolean, array or object). Reply with the code in one ```javascript block."),
    ];

    public static List<ChatMessage> Abstraction(string problem, string answer, string code) =>
    [
        new(ChatRole.System, System),
        new(ChatRole.User,
            $"Problem: {problem}\n\nThis verified solution returns the answer {answer}:\n```javascript\n{code}\n```\n\n" +
            "Rewrite it as a general, reusable tool: one JavaScript function that takes a single object of named arguments " +
            "(the problem's specific values become arguments) and returns the result, so that it also solves other problems of the same kind. " +
            "Reply with only a JSON object:\n" +
            AbstractionShape),
    ];

    public static List<ChatMessage> Guess(string problem) =>
    [
        new(ChatRole.User,
            $"Problem: {problem}\n\n" +
            "Imagine tools (functions) that would help solve this problem. Reply with only a JSON object: " +
            GuessShape),
    ];

    public static List<ChatMessage> Agent(string problem, IReadOnlyList<CraftTool> tools)
    {
        var text = new StringBuilder();
        if (tools.Count > 0)
        {
            text.Append("You can call these functions, which are already defined:\n\n");
            foreach (var tool in tools)
            {
                var arguments = (tool.Parameters?["properties"] as System.Text.Json.Nodes.JsonObject)?.Select(p => p.Key) ?? tool.Example.Arguments.Select(a => a.Key);
                text.Append("// ").Append(tool.Name).Append("({ ").AppendJoin(", ", arguments).Append(" }): ").Append(tool.Docstring).Append('\n');
                text.Append("//   e.g. ").Append(tool.Name).Append('(').Append(tool.Example.Arguments.ToJsonString()).Append(") returns ")
                    .Append(tool.Example.Result?.ToJsonString() ?? "null")
                    .Append('\n');
            }

            text.Append('\n');
        }

        text.Append("Problem: ").Append(problem).Append("\n\n")
            .Append("Write a JavaScript function `solve()` that takes no arguments and returns the answer")
            .Append(tools.Count > 0 ? ", calling the functions above where they help (do not redefine them)" : "")
            .Append(". Reply with the code in one ```javascript block.");
        return [new(ChatRole.System, System), new(ChatRole.User, text.ToString())];
    }

    public static ChatMessage Retry(string error) =>
        new(ChatRole.User, $"Running it failed: {error}\nFix the code and reply with the whole corrected code in one ```javascript block.");
}
