using System.Text.Json;
using Gateway.Host.Responses;

namespace Gateway.UnitTests.FrontDoor;

public sealed class ResponseObjectTests
{
    [Fact]
    public void AddCompletion_ReasoningContent_IsAReasoningItemBeforeTheMessage()
    {
        using var request = JsonDocument.Parse("""{"model":"m","input":"hi"}""");
        using var completion = JsonDocument.Parse("""
            {"model":"m","choices":[{"index":0,"finish_reason":"stop",
              "message":{"role":"assistant","content":"42","reasoning_content":"six times seven"}}]}
            """);
        var response = new ResponseObject(request.RootElement, 0);

        response.AddCompletion(completion.RootElement);

        Assert.Equal(2, response.Output.Count);
        Assert.Equal("reasoning", response.Output[0]["type"]!.GetValue<string>());
        Assert.Equal("six times seven", response.Output[0]["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("message", response.Output[1]["type"]!.GetValue<string>());
    }
}
