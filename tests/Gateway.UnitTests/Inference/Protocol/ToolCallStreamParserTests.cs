using System.Text.Json;
using Gateway.Inference.Protocol;

namespace Gateway.UnitTests.Inference.Protocol;

public sealed class ToolCallStreamParserTests
{
    [Fact]
    public void Push_ToolCallInSmallChunks_YieldsNameThenArgumentsThatFormTheJson()
    {
        var text = ToolCallFormat.Format("get_weather", "{\"city\": \"Paris\"}");
        var parser = new ToolCallStreamParser();
        var events = new List<ToolStreamEvent>();

        for (var i = 0; i < text.Length; i += 3)
        {
            events.AddRange(parser.Push(text.Substring(i, Math.Min(3, text.Length - i))));
        }
        events.AddRange(parser.Complete());

        Assert.True(parser.IsToolCall);
        Assert.Equal("get_weather", Assert.IsType<ToolStreamEvent.CallStarted>(events[0]).Name);
        var args = string.Concat(events.OfType<ToolStreamEvent.Arguments>().Select(a => a.Fragment));
        Assert.Equal("Paris", JsonDocument.Parse(args).RootElement.GetProperty("city").GetString());
        Assert.DoesNotContain(events, e => e is ToolStreamEvent.Text);
    }

    [Fact]
    public void Push_PlainText_PassesThroughAsText()
    {
        var parser = new ToolCallStreamParser();

        var events = parser.Push("Hello").Concat(parser.Push(" there")).Concat(parser.Complete()).ToList();

        Assert.False(parser.IsToolCall);
        Assert.Equal("Hello there", string.Concat(events.Cast<ToolStreamEvent.Text>().Select(t => t.Content)));
    }

    [Fact]
    public void Push_TextThatStartsLikeTheMarker_IsReleasedOnceItDiverges()
    {
        var parser = new ToolCallStreamParser();

        Assert.Empty(parser.Push("<to"));
        var events = parser.Push("y>").ToList();

        Assert.Equal("<toy>", Assert.IsType<ToolStreamEvent.Text>(Assert.Single(events)).Content);
    }

    [Fact]
    public void TryParse_CompleteCall_ReturnsNameAndArguments()
    {
        Assert.True(ToolCallFormat.TryParse(ToolCallFormat.Format("f", "{\"a\": 1}"), out var name, out var args));
        Assert.Equal("f", name);
        Assert.Equal(1, JsonDocument.Parse(args).RootElement.GetProperty("a").GetInt32());
        Assert.False(ToolCallFormat.TryParse("<tool_call>{\"name\": ", out _, out _));
        Assert.False(ToolCallFormat.TryParse("just text", out _, out _));
    }
}
