using System.Text.Json.Nodes;
using Gateway.Craft.Llm;
using Gateway.Craft.Verification;

namespace Gateway.UnitTests.Craft;

public sealed class AnswerMatcherTests
{
    [Theory]
    [InlineData("3", "3", true)]
    [InlineData("3.0000000001", "3", true)]
    [InlineData("\"3\"", "3", true)]
    [InlineData("3", "\" 3 \"", true)]
    [InlineData("\"Paris\"", "\"paris \"", true)]
    [InlineData("true", "\"True\"", true)]
    [InlineData("[1,\"b\"]", "[1,\"B\"]", true)]
    [InlineData("{\"a\":1}", "{\"a\":1.0}", true)]
    [InlineData("4", "3", false)]
    [InlineData("\"abc\"", "\"cba\"", false)]
    [InlineData("[1,2]", "[2,1]", false)]
    [InlineData("{\"a\":1,\"b\":2}", "{\"a\":1}", false)]
    [InlineData("null", "0", false)]
    public void Matches_Pairs(string actual, string expected, bool match)
    {
        Assert.Equal(match, AnswerMatcher.Matches(JsonNode.Parse(actual), JsonNode.Parse(expected)));
    }

    [Fact]
    public void ExtractCode_FencedOrBare_FindsTheFunction()
    {
        Assert.Equal("function solve() { return 1; }", LlmReplies.ExtractCode("Sure.\n```js\nfunction solve() { return 1; }\n```\nDone."));
        Assert.Equal("function solve() { return 2; }", LlmReplies.ExtractCode("The code: function solve() { return 2; }"));
        Assert.Null(LlmReplies.ExtractCode("I cannot help with that."));
    }

    [Fact]
    public void ExtractJsonObject_ProseAroundIt_FindsTheObject()
    {
        Assert.Equal("x", LlmReplies.ExtractJsonObject("Here: {\"name\": \"x\"} hope it helps {")!["name"]!.GetValue<string>());
        Assert.Equal(2, LlmReplies.ExtractJsonObject("```json\n{\"a\": 2,}\n```")!["a"]!.GetValue<int>());
        Assert.Null(LlmReplies.ExtractJsonObject("no json { here"));
    }
}
