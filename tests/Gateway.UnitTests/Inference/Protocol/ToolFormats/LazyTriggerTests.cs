using Gateway.Inference.Protocol.ToolFormats;

namespace Gateway.UnitTests.Inference.Protocol.ToolFormats;

public sealed class LazyTriggerTests
{
    private static int Feed(LazyTrigger trigger, params string[] pieces)
    {
        foreach (var piece in pieces)
        {
            if (trigger.Push(piece) is var at and >= 0)
            {
                return at;
            }
        }
        return -1;
    }

    [Fact]
    public void Push_OpenerSplitAcrossPieces_TriggersAtItsStart()
    {
        var trigger = new LazyTrigger(["<tool_call>"], [], thinkingOpen: false);

        // "Sure. " is 6 characters, so the opener starts at 6.
        Assert.Equal(6, Feed(trigger, "Sure. <to", "ol_", "call>\n{"));
    }

    [Fact]
    public void Push_PlainAnswer_NeverTriggers()
    {
        var trigger = new LazyTrigger(["<tool_call>"], [], thinkingOpen: false);

        Assert.Equal(-1, Feed(trigger, "The answer ", "is <b>42</b>."));
    }

    [Fact]
    public void Push_OpenerInsideThinking_DoesNotTrigger()
    {
        var trigger = new LazyTrigger(["<tool_call>"], [], thinkingOpen: false);

        Assert.Equal(-1, Feed(trigger, "<think>maybe <tool_call>", " later</think>", "ok"));
        // "<think>maybe <tool_call> later</think>ok" is 40 characters; the opener follows at 40.
        Assert.Equal(40, trigger.Push("<tool_call>"));
    }

    [Fact]
    public void Push_ThinkingOpenedByPrompt_WaitsForItsEnd()
    {
        var trigger = new LazyTrigger(["[TOOL_CALLS]"], [], thinkingOpen: true);

        Assert.Equal(-1, Feed(trigger, "[TOOL_CALLS] is what I will write"));
        // 33 characters of thinking and 8 of "</think>": the opener starts at 41.
        Assert.Equal(41, Feed(trigger, "</think>", "[TOOL_CALLS]"));
    }

    [Fact]
    public void Push_StartTriggerAfterText_DoesNotTrigger()
    {
        var trigger = new LazyTrigger([], ["{\"name\""], thinkingOpen: false);

        Assert.Equal(-1, Feed(trigger, "Here: ", "{\"name\": \"f\"}"));
    }

    [Fact]
    public void Push_StartTriggerAfterWhitespace_TriggersAtTheBrace()
    {
        var trigger = new LazyTrigger([], ["{\"name\""], thinkingOpen: false);

        Assert.Equal(2, Feed(trigger, "\n ", "{\"na", "me\": \"f\""));
    }

    [Fact]
    public void Push_OnThinkingEnd_TriggersAtTheClosingTag()
    {
        var trigger = new LazyTrigger([], [], thinkingOpen: true, onThinkingEnd: true);

        // "let me see" is 10 characters.
        Assert.Equal(10, Feed(trigger, "let me s", "ee</th", "ink>\n"));
    }
}
