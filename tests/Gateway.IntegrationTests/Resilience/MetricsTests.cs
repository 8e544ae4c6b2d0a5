using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Resilience;

public sealed partial class MetricsTests
{
    [Fact]
    public async Task Metrics_MoveAsRequestsFlow()
    {
        await using var upstream = await FakeUpstream.StartAsync("u");
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:metered:BaseUrl"] = upstream.BaseUrl.ToString(),
            ["Gateway:Models:metered:InputPricePerMTok"] = "1000",
            ["Gateway:Models:metered:OutputPricePerMTok"] = "2000",
        });
        using var client = gateway.CreateClient();
        var before = await client.GetStringAsync("/metrics");

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("/v1/chat/completions",
                new StringContent("""{"model":"metered","messages":[{"role":"user","content":"hi"}]}"""));
            response.EnsureSuccessStatusCode();
        }

        // Requests are counted once they are done, which may be a moment after the client has its whole answer.
        await gateway.Finished.WhenFinishedAsync("/v1/chat/completions", 3).WaitAsync(TimeSpan.FromSeconds(30));
        var after = await client.GetStringAsync("/metrics");

        Assert.Equal(3, Value(after, "gateway_http_requests_total{route=\"chat_completions\",model=\"metered\",status=\"200\"}") - Value(before, "gateway_http_requests_total{route=\"chat_completions\",model=\"metered\",status=\"200\"}"));
        Assert.Equal(15, Value(after, "gateway_tokens_total{model=\"metered\",direction=\"input\"}"));
        Assert.Equal(12, Value(after, "gateway_tokens_total{model=\"metered\",direction=\"output\"}"));
        // 3 × (5 × 1000 + 4 × 2000) / 1e6 USD
        Assert.Equal(0.039, Value(after, "gateway_spend_usd_total{model=\"metered\",key=\"development\"}"), 6);
        Assert.Equal(3, Value(after, "gateway_request_overhead_seconds_count{model=\"metered\"}"));
        Assert.Equal(3, Value(after, "gateway_request_time_to_first_token_seconds_count{model=\"metered\"}"));
        Assert.Contains("gateway_upstream_circuit_state{model=\"metered\"", after, StringComparison.Ordinal);
    }

    private static double Value(string metrics, string series)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(series) + " ([0-9.eE+-]+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
