using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Host.Auth;
using Gateway.TestUtilities;
using YamlDotNet.RepresentationModel;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>
/// One gateway started the way the image starts it (entry point, Dockerfile ENV, WORKDIR) with its
/// config directory laid out like the chart's ConfigMap volume, holding the chart's default config
/// plus a model at a fake upstream and a key, as an operator's values would add them.
/// </summary>
public sealed class ContainerFixture : IAsyncLifetime
{
    public const string ApiKey = "sk-container-test";

    public FakeUpstream Upstream { get; private set; } = null!;

    public ConfigMapDirectory Config { get; private set; } = null!;

    public ContainerProcess GatewayProcess { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> Environment { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await FakeUpstream.StartAsync("upstream");
        Config = ConfigMapDirectory.Create(new Dictionary<string, string> { ["gateway.json"] = ConfigJson("model-a") });
        var port = ContainerProcess.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");

        // What `docker run -e ... -v CONFIG:/config` or the chart's pod spec sets.
        Environment = ContainerProcess.Environment(new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Gateway__ConfigDirectory"] = Config.Path,
        });
        GatewayProcess = ContainerProcess.Start(Environment);
        await GatewayProcess.WaitUntilServingAsync(new Uri(BaseAddress, "/health"), TimeSpan.FromSeconds(60));
    }

    /// <summary>The chart's default <c>config</c> values as the ConfigMap's JSON, plus the given models and a key.</summary>
    public string ConfigJson(params string[] models)
    {
        var values = HelmChart.Load(Repository.PathOf("charts/gateway")).Values;
        var config = (JsonObject)ToJson(values["config"])!;
        var gateway = config["Gateway"]!.AsObject();
        var catalog = gateway["Models"] as JsonObject ?? [];
        gateway["Models"] = catalog;
        foreach (var model in models)
        {
            catalog[model] = new JsonObject { ["BaseUrl"] = Upstream.BaseUrl.ToString(), ["UpstreamModel"] = "served-" + model };
        }

        gateway["Keys"] = new JsonObject { ["app"] = new JsonObject { ["Hash"] = "sha256:" + KeyHasher.Hash(ApiKey) } };
        return config.ToJsonString();
    }

    public HttpClient CreateClient(string apiKey = ApiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public async Task DisposeAsync()
    {
        await GatewayProcess.DisposeAsync();
        await Upstream.DisposeAsync();
        Config.Dispose();
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };
}

public sealed class ContainerStartTests(ContainerFixture container) : IClassFixture<ContainerFixture>
{
    [Fact]
    public async Task EntryPoint_ContainerEnvironmentAndMountedConfig_ServesHealthAndChatCompletion()
    {
        using var client = container.CreateClient();
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var alive = await client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);

        var answer = await ChatAsync(client, "model-a");
        Assert.Equal("Hello from upstream as served-model-a", answer);
        Assert.Equal("/v1/chat/completions", container.Upstream.LastRequest.Path);

        // The chart's default turns the development key off.
        using var dev = container.CreateClient(GatewayTestHost.DevelopmentKey);
        using var refused = await dev.PostAsync("/v1/chat/completions", Chat("model-a"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task EntryPoint_ConfigMapDataSwapped_ReloadsWithoutRestart()
    {
        using var client = container.CreateClient();
        container.Config.Update(new Dictionary<string, string> { ["gateway.json"] = container.ConfigJson("model-a", "model-b") });

        // The kubelet swaps a link; only the polling watcher (the image's DOTNET_USE_POLLING_FILE_WATCHER) sees it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HttpStatusCode status;
        do
        {
            await Task.Delay(250);
            using var models = await client.GetAsync("/v1/models/model-b");
            status = models.StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.True(status == HttpStatusCode.OK, "model-b never appeared. Output:\n" + container.GatewayProcess.Output);
        Assert.Equal("Hello from upstream as served-model-b", await ChatAsync(client, "model-b"));
        Assert.False(container.GatewayProcess.HasExited);
    }

    [Fact]
    public async Task HealthcheckVerb_GatewayServingOrNot_ExitsZeroOrNonZero()
    {
        var (serving, output) = await ContainerProcess.RunAsync(container.Environment, TimeSpan.FromSeconds(20), "healthcheck");
        Assert.True(serving == 0, output);

        var closed = new Dictionary<string, string>(container.Environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ContainerProcess.FreePort()}",
        };
        var (notServing, _) = await ContainerProcess.RunAsync(closed, TimeSpan.FromSeconds(20), "healthcheck");
        Assert.NotEqual(0, notServing);
    }

    private static StringContent Chat(string model) =>
        new($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""");

    private static async Task<string> ChatAsync(HttpClient client, string model)
    {
        using var response = await client.PostAsync("/v1/chat/completions", Chat(model));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
    }
}
