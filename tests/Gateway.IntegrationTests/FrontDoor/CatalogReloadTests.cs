using System.Net;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.FrontDoor;

public sealed class CatalogReloadTests
{
    private static string Catalog(params (string Name, Uri Url)[] models) =>
        new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["Models"] = new JsonObject(models.Select(m =>
                    KeyValuePair.Create(m.Name, (JsonNode?)new JsonObject { ["BaseUrl"] = m.Url.ToString() }))),
            },
        }.ToJsonString();

    [Fact]
    public async Task ConfigFileChange_WhileRunning_AddsModelAndKeepsLastGoodOnInvalidReload()
    {
        await using var first = await FakeUpstream.StartAsync("first");
        await using var second = await FakeUpstream.StartAsync("second");
        var log = new ListLoggerProvider();
        await using var gateway = await GatewayTestHost.StartAsync(configFiles: new Dictionary<string, string>
        {
            ["models.json"] = Catalog(("one", first.BaseUrl)),
        }, log: log);
        using var client = gateway.CreateClient();
        Assert.Equal("Hello from first as one", await ChatAsync(client, "one"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(client, "two"));

        // A valid change takes effect without a restart.
        await gateway.WriteConfigFileAsync("models.json", Catalog(("one", first.BaseUrl), ("two", second.BaseUrl)));
        await WhenLoggedAsync(log, "Configuration 'Gateway:Models' reloaded");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "two"));
        Assert.Equal("Hello from second as two", await ChatAsync(client, "two"));

        // A file that does not parse, then a value that does not validate: both rejected, both models still served.
        await gateway.WriteConfigFileAsync("models.json", "{ \"Gateway\": { \"Models\": ");
        await WhenLoggedAsync(log, "Configuration reload of 'Gateway:Models' rejected");
        Assert.Equal("Hello from second as two", await ChatAsync(client, "two"));
        await gateway.WriteConfigFileAsync("models.json", """{ "Gateway": { "Models": { "one": { "BaseUrl": "not a url" } } } }""");
        await WhenLoggedAsync(log, "'not a url' is not an absolute http(s) URL");
        Assert.Equal("Hello from first as one", await ChatAsync(client, "one"));
        Assert.Equal("Hello from second as two", await ChatAsync(client, "two"));

        // And a good file after the bad ones is applied: removing a model takes it away.
        await gateway.WriteConfigFileAsync("models.json", Catalog(("one", second.BaseUrl)));
        await WhenLoggedAsync(log, "Configuration 'Gateway:Models' reloaded", times: 2);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(client, "two"));
        Assert.Equal("Hello from second as one", await ChatAsync(client, "one"));
    }

    /// <summary>Waits for the catalog's log line (the file watcher's news is what is waited on; the deadline is a backstop).</summary>
    private static Task WhenLoggedAsync(ListLoggerProvider log, string text, int times = 1) =>
        log.WhenLoggedAsync(l => l.Contains("Gateway.Catalog: ", StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal), times)
            .WaitAsync(TimeSpan.FromSeconds(30));

    private static async Task<string> ChatAsync(HttpClient client, string model)
    {
        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}"""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string model)
    {
        using var response = await client.GetAsync($"/v1/models/{model}");
        return response.StatusCode;
    }
}
