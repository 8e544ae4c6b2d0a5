using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Gateway.Bench.Agents;

/// <summary>
/// A multi-hop task of a given depth (like HotpotQA's bridge questions): each <c>lookup</c> returns a
/// passage naming the next topic, and the answer is the last topic. Both agents get the same tools,
/// the same tool outputs and the same scripted model decisions; only the agent's prompting differs.
/// </summary>
internal static partial class ScriptedTask
{
    public static string Question(int depth) =>
        $"Starting from topic-0, follow the chain of {depth} linked topics (each passage names the next one). Which topic is reached at the end?";

    /// <summary>A passage of about <paramref name="words"/> words that names only the next topic.</summary>
    public static string Passage(int topic, int words)
    {
        var text = new StringBuilder();
        string[] filler = ["the", "archive", "records", "that", "this", "subject", "was", "studied", "in", "several", "regions", "and", "periods", "by", "many", "authors"];
        for (var i = 0; i < words; i++)
        {
            text.Append(filler[(i + topic) % filler.Length]).Append(' ');
        }

        return text.Append("It leads to topic-").Append(topic + 1).Append('.').ToString();
    }

    /// <summary>The scripted ReWOO plan: a chain, each hop looking up what the previous passage names.</summary>
    public static string Plan(int depth)
    {
        var text = new StringBuilder();
        for (var k = 1; k <= depth; k++)
        {
            text.Append("Plan: Look up hop ").Append(k).Append(" of the chain.\n")
                .Append("#E").Append(k).Append(" = lookup[").Append(k == 1 ? "topic-0" : $"the topic named in #E{k - 1}").Append("]\n");
        }

        return text.ToString();
    }

    /// <summary>The scripted ReAct turn: a thought and the next lookup, or the answer after <paramref name="depth"/> observations.</summary>
    public static ChatResponse ReActTurn(int observations, int depth)
    {
        if (observations >= depth)
        {
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, $"topic-{depth}"));
        }

        var thought = $"Thought: I need the passage for topic-{observations} to find the next topic.";
        return new ChatResponse(new ChatMessage(ChatRole.Assistant,
        [
            new TextContent(thought),
            new FunctionCallContent($"call_{observations}", "lookup", new Dictionary<string, object?> { ["query"] = $"topic-{observations}" }),
        ]));
    }

    public static KernelPlugin Tools(int words) => KernelPluginFactory.CreateFromObject(new LookupTools(words), "bench");

    private sealed class LookupTools(int words)
    {
        [KernelFunction("lookup")]
        [Description("Looks up a topic in the encyclopedia and returns its passage.")]
        public string Lookup([Description("The topic to look up")] string query)
        {
            var match = Topic().Match(query);
            return Passage(match.Success ? int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : 0, words);
        }

        [KernelFunction("calculator")]
        [Description("Evaluates an arithmetic expression.")]
        public static string Calculator([Description("The expression")] string expression) => expression;

        [KernelFunction("clock")]
        [Description("The current date and time.")]
        public static string Clock() => "2026-01-01T00:00:00Z";
    }

    [GeneratedRegex(@"topic-(\d+)")]
    private static partial Regex Topic();
}
