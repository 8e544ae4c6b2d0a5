using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>One gateway in front of one fake upstream, shared by the happy-path tests.</summary>
public sealed class FrontDoorFixture : IAsyncLifetime
{
    public const string UpstreamKeyVariable = "GATEWAY_TEST_UPSTREAM_KEY";
    public const string UpstreamKey = "sk-upstream-secret";

    public FakeUpstream Upstream { get; private set; } = null!;

    public GatewayTestHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(UpstreamKeyVariable, UpstreamKey);
        Upstream = await FakeUpstream.StartAsync("alpha");
        Gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:alpha:BaseUrl"] = Upstream.BaseUrl.ToString(),
            ["Gateway:Models:alpha:UpstreamModel"] = "alpha-upstream-id",
            ["Gateway:Models:alpha:ApiKeyEnv"] = UpstreamKeyVariable,
            ["Gateway:Models:alpha:ContextLength"] = "8192",
            ["Gateway:Models:alpha:InputPricePerMTok"] = "0.5",
            ["Gateway:Models:alpha:Tags:0"] = "chat",
        });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
