using System.Text.Json;
using Gateway.Host.FrontDoor;
using Gateway.Host.Routing;

namespace Gateway.UnitTests.Routing;

public sealed class PromptTextTests
{
    [Fact]
    public void Extract_LongerThanTheCap_KeepsTheStartAndCountsTheWhole()
    {
        using var document = JsonDocument.Parse("""{"messages":[{"role":"system","content":"abcdef"},{"role":"user","content":[{"type":"text","text":"0123456789"}]}]}""");

        var text = PromptText.Extract(document.RootElement, OpenAIOperation.ChatCompletions, 8, out var total);

        Assert.Equal("abcdef\n0", text);
        // 6 + the newline + 10
        Assert.Equal(17, total);
    }

    [Fact]
    public void Extract_UnderTheCap_IsTheWholePrompt()
    {
        using var document = JsonDocument.Parse("""{"prompt":["one","two"]}""");

        Assert.Equal("one\ntwo", PromptText.Extract(document.RootElement, OpenAIOperation.Completions, 100, out var total));
        Assert.Equal(7, total);
    }
}
