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
        await using var gateway = await GatewayTestHost.StartAsync(configFiles: new Dictionary<string, string>
        {
            ["models.json"] = Catalog(("one", first.BaseUrl)),
        });
        using var client = gateway.CreateClient();
        Assert.Equal("Hello from first as one", await ChatAsync(client, "one"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(client, "two"));

        // A valid change takes effect without a restart.
        await gateway.WriteConfigFileAsync("models.json", Catalog(("one", first.BaseUrl), ("two", second.BaseUrl)));
        await WaitUntilAsync(async () => await StatusAsync(client, "two") == HttpStatusCode.OK);
        Assert.Equal("Hello from second as two", await ChatAsync(client, "two"));

        // A file that does not parse, then a value that does not validate: both rejected, both models still served.
        await gateway.WriteConfigFileAsync("models.json", "{ \"Gateway\": { \"Models\": ");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal("Hello from second as two", await ChatAsync(client, "two"));
        await gateway.WriteConfigFileAsync("models.json", """{ "Gateway": { "Models": { "one": { "BaseUrl": "not a url" } } } }""");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal("Hello from first as one", await ChatAsync(client, "one"));
        Assert.Equal("Hello from second as two", await ChatAsync(client, "two"));

        // And a good file after the bad ones is applied: removing a model takes it away.
        await gateway.WriteConfigFileAsync("models.json", Catalog(("one", second.BaseUrl)));
        await WaitUntilAsync(async () => await StatusAsync(client, "two") == HttpStatusCode.NotFound);
        Assert.Equal("Hello from second as one", await ChatAsync(client, "one"));
    }

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

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the configuration change was not applied in time");
            await Task.Delay(100);
        }
    }
}
