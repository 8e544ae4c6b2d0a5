// The module's namespaces drop its project name (Gateway.Errors, Gateway.ServerSentEvents), and so do these: a
// Gateway.UnitTests.OpenAI namespace would hide the OpenAI SDK's from the other tests.
namespace Gateway.UnitTests;

public sealed class GatewayApiKeysTests
{
    [Fact]
    public void Resolve_KeyGiven_ReturnsItOverTheVariable()
    {
        Assert.Equal("sk-given", GatewayApiKeys.Resolve("sk-given", "sk-from-environment"));
    }

    [Fact]
    public void Resolve_NoKeyVariableSet_ReturnsTheVariable()
    {
        Assert.Equal("sk-from-environment", GatewayApiKeys.Resolve(null, "sk-from-environment"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Resolve_NoKeyVariableUnsetOrEmpty_ReturnsTheDevelopmentKey(string? variable)
    {
        Assert.Equal("sk-gateway-dev", GatewayApiKeys.Resolve(null, variable));
    }
}
