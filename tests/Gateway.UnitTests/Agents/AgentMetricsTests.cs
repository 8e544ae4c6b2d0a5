using Gateway.Agents.Runtime;
using Gateway.Host.Agents;

namespace Gateway.UnitTests.Agents;

public sealed class AgentMetricsTests
{
    private static readonly HashSet<string> GatewayTools = ["calculator", "sandbox"];

    [Theory]
    [InlineData("calculator", "ok", "calculator")]
    [InlineData("sandbox", "error", "sandbox")]
    [InlineData("get_weather", "client", "client")]
    // The status, not the name, marks a call of the caller's tool.
    [InlineData("calculator", "client", "client")]
    [InlineData("made_up_by_the_model", "unknown_tool", "other")]
    // A bad-arguments error for a name the gateway does not run.
    [InlineData("made_up_by_the_model", "error", "other")]
    public void ToolLabel_StepName_OnlyTheGatewaysOwnToolsByName(string tool, string status, string expected)
    {
        var step = new StepTrace("T1", tool, "", "", status, 0, 0);

        Assert.Equal(expected, AgentMetrics.ToolLabel(step, GatewayTools));
    }
}
