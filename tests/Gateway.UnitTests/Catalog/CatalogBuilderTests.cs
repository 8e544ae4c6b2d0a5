using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Gateway.UnitTests.Catalog;

public sealed class CatalogBuilderTests
{
    private static CatalogSnapshot Build(Dictionary<string, string?> settings, Func<string, string?>? environment = null) =>
        CatalogBuilder.Build(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), environment ?? (_ => null));

    [Fact]
    public void Build_FullEntry_MapsEveryField()
    {
        var snapshot = Build(new()
        {
            ["Gateway:Models:m:BaseUrls:0"] = "http://a:1/v1",
            ["Gateway:Models:m:BaseUrls:1"] = "http://b:2/v1",
            ["Gateway:Models:m:UpstreamModel"] = "vendor/m-7b",
            ["Gateway:Models:m:ApiKeyEnv"] = "KEY_VAR",
            ["Gateway:Models:m:ParamsB"] = "7",
            ["Gateway:Models:m:InputPricePerMTok"] = "0.2",
            ["Gateway:Models:m:OutputPricePerMTok"] = "0.6",
            ["Gateway:Models:m:ContextLength"] = "32768",
            ["Gateway:Models:m:ReleaseDate"] = "2024-06-01",
            ["Gateway:Models:m:Tags:0"] = "code",
        }, name => name == "KEY_VAR" ? "secret" : null);

        var model = Assert.Single(snapshot.Models);
        Assert.Equal(2, model.Destinations.Count);
        Assert.Equal("vendor/m-7b", model.UpstreamModel);
        Assert.Equal("\"vendor/m-7b\"", System.Text.Encoding.UTF8.GetString(model.UpstreamModelJson));
        Assert.Equal("Bearer secret", model.UpstreamAuthorization);
        Assert.Equal(7, model.Descriptor.ParamsB);
        Assert.Equal(0.6m, model.Descriptor.OutputPricePerMTok);
        Assert.Equal(new DateOnly(2024, 6, 1), model.Descriptor.ReleaseDate);
        Assert.Equal(["code"], model.Descriptor.Tags);
    }

    [Fact]
    public void Build_NoUpstreamModel_DefaultsToName()
    {
        var model = Assert.Single(Build(new() { ["Gateway:Models:m:BaseUrl"] = "http://a/v1" }).Models);

        Assert.Equal("m", model.UpstreamModel);
        Assert.Null(model.UpstreamAuthorization);
    }

    [Theory]
    [InlineData("BaseUrl", "not-a-url", "not an absolute http(s) URL")]
    [InlineData("Provider", "magic", "unknown provider")]
    [InlineData("InputPricePerMTok", "-1", "must not be negative")]
    [InlineData("LoadBalancing", "Sticky", "unknown policy")]
    [InlineData("ContextLength", "lots", "ContextLength")]
    public void Build_InvalidValue_ThrowsNamingTheSetting(string field, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Gateway:Models:m:BaseUrl"] = "http://a/v1", [$"Gateway:Models:m:{field}"] = value };

        var ex = Assert.Throws<ConfigurationException>(() => Build(settings));

        Assert.Contains("Gateway:Models:m", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("agent:rewoo")]
    public void Build_ReservedName_Throws(string name)
    {
        Assert.Throws<ConfigurationException>(() => Build(new() { [$"Gateway:Models:{name}:BaseUrl"] = "http://a/v1" }));
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("x-gateway-priority")]
    [InlineData("X-Gateway-Batch-Line")]
    [InlineData("x-gateway-batch-key")]
    public void Build_ForwardingAHeaderTheGatewayOwns_Throws(string header)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Build(new()
        {
            ["Gateway:Models:m:BaseUrl"] = "http://a/v1",
            ["Gateway:Models:m:ForwardHeaders:0"] = header,
        }));

        Assert.Contains("Gateway:Models:m:ForwardHeaders", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoBaseUrl_Throws()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Build(new() { ["Gateway:Models:m:UpstreamModel"] = "x" }));

        Assert.Contains("BaseUrl", ex.Message, StringComparison.Ordinal);
    }
}
