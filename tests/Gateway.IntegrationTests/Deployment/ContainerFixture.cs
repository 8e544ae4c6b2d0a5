using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.State;
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
        var port = LoopbackPorts.Free();
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
