using System.Text.Json.Nodes;
using Gateway.Inference.Protocol.ToolFormats;

namespace Gateway.UnitTests.Inference.Protocol.ToolFormats;

/// <summary>Parses answers whole and streamed in small pieces, and checks both give the same message.</summary>
internal static class ParsedOutput
{
    public static ParsedAssistantMessage Parse(ToolCallFamily family, string text, bool tools = true, bool thinkingOpen = false)
    {
        var dialect = ToolCallDialect.For(family);
        var whole = AssistantOutputParser.Parse(text, dialect, tools, thinkingOpen);

        // Streamed a few characters at a time, the answer must settle into the same message.
        foreach (var size in new[] { 1, 3, 7 })
        {
            var parser = new AssistantOutputParser(dialect, tools, thinkingOpen);
            var deltas = new List<AssistantDelta>();
            for (var i = 0; i < text.Length; i += size)
            {
                deltas.AddRange(parser.Push(text.Substring(i, Math.Min(size, text.Length - i))));
            }
            deltas.AddRange(parser.Complete());
            var streamed = ParsedAssistantMessage.From(deltas);
            Assert.Equal(whole.Content, streamed.Content);
            Assert.Equal(whole.Reasoning, streamed.Reasoning);
            Assert.Equal(whole.ToolCalls.Select(c => (c.Name, c.Arguments)), streamed.ToolCalls.Select(c => (c.Name, c.Arguments)));
        }
        return whole;
    }

    /// <summary>Asserts one call to <paramref name="name"/> whose arguments are the JSON <paramref name="arguments"/> (compared as JSON).</summary>
    public static void AssertCall(ParsedAssistantMessage message, string name, string arguments, int index = 0)
    {
        Assert.True(message.ToolCalls.Count > index, $"expected a call at {index}; content was '{message.Content}'");
        var call = message.ToolCalls[index];
        Assert.Equal(name, call.Name);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(arguments), JsonNode.Parse(call.Arguments)), $"arguments were {call.Arguments}");
    }
}
