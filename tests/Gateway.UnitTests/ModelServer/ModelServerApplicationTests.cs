using Gateway.ModelServer;

namespace Gateway.UnitTests.ModelServer;

public sealed class ModelServerApplicationTests
{
    [Theory]
    [InlineData("http://127.0.0.1:0", null)]
    [InlineData("http://localhost:8080", null)]
    [InlineData("http://[::1]:8080", null)]
    [InlineData("http://+:8080", "http://+:8080")]
    [InlineData("http://0.0.0.0:8080", "http://0.0.0.0:8080")]
    [InlineData("http://127.0.0.1:1;http://*:80", "http://*:80")]
    [InlineData("http://models.internal:80", "http://models.internal:80")]
    public void NonLoopback_ListeningUrls_NamesTheFirstBeyondLoopback(string urls, string? expected)
    {
        Assert.Equal(expected, ModelServerApplication.NonLoopback(urls));
    }

    [Fact]
    public void ApiKeyVariable_IsTheOneTheLauncherSets()
    {
        Assert.Equal(Gateway.Inference.Pool.ModelServerLauncher.ApiKeyVariable, ModelServerApplication.ApiKeyVariable);
    }
}
