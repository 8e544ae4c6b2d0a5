using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Catalog;
using Gateway.Host.FrontDoor;
using Microsoft.Extensions.Configuration;

namespace Gateway.UnitTests.FrontDoor;

public sealed class UpstreamBodiesTests
{
    private static readonly CatalogModel Model = CatalogBuilder.Build(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Gateway:Models:m:BaseUrl"] = "http://up:1/v1",
        ["Gateway:Models:m:UpstreamModel"] = "upstream-id",
    }).Build(), _ => null).Models[0];

    private static JsonObject Build(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.Null(RequestValidator.Validate(bytes, OpenAIOperation.ChatCompletions, out var parsed));
        var built = UpstreamBodies.Build(bytes, parsed, Model);
        return JsonNode.Parse(built.Span)!.AsObject();
    }

    [Theory]
    [InlineData(""",   "stream_options":{"include_usage":false}""")]
    [InlineData(""","stream_options":null""")]
    [InlineData("")]
    public void Build_Stream_AlwaysAsksForUsageOnce(string streamOptions)
    {
        var upstream = Build("""{"model":"m","stream":true""" + streamOptions + ""","messages":[{"role":"user","content":"x"}]}""");

        Assert.True(upstream["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal("upstream-id", upstream["model"]!.GetValue<string>());
        Assert.Single(upstream, p => p.Key == "stream_options");
    }

    [Fact]
    public void Build_CallerStreamOptionsBeforeTheModel_OtherOptionsKept()
    {
        var upstream = Build("""{"stream_options":{"include_usage":false,"continuous_usage_stats":true},"stream":true,"model":"m","messages":[{"role":"user","content":"x"}]}""");

        Assert.True(upstream["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.True(upstream["stream_options"]!["continuous_usage_stats"]!.GetValue<bool>());
        Assert.Equal("upstream-id", upstream["model"]!.GetValue<string>());
        Assert.Equal(4, upstream.Count);
    }

    [Fact]
    public void Build_NotStreamed_OnlyTheModelChanges()
    {
        var upstream = Build("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":false}}""");

        Assert.Equal("upstream-id", upstream["model"]!.GetValue<string>());
        Assert.False(upstream["stream_options"]!["include_usage"]!.GetValue<bool>());
    }
}
