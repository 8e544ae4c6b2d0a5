using System.Net;
using System.Text.Json.Nodes;
using OpenAI.Embeddings;
using OpenAI.Models;

namespace Gateway.IntegrationTests.FrontDoor;

public sealed class OtherOperationsTests : IClassFixture<FrontDoorFixture>
{
    private readonly FrontDoorFixture _fixture;

    public OtherOperationsTests(FrontDoorFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task GenerateEmbeddings_OpenAISdk_ReturnsUpstreamVectors()
    {
        var embeddings = _fixture.Gateway.CreateOpenAIClient().GetEmbeddingClient("alpha");

        OpenAIEmbeddingCollection result = await embeddings.GenerateEmbeddingsAsync(["one", "two"]);

        Assert.Equal(2, result.Count);
        Assert.Equal(new[] { 0.2f, 0.2f, 0.3f }, result[1].ToFloats().ToArray());
        Assert.Equal("alpha-upstream-id", _fixture.Upstream.Requests.Last(r => r.Path == "/v1/embeddings").Json!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Completions_RawHttp_ProxiedToUpstream()
    {
        using var client = _fixture.Gateway.CreateClient();

        using var response = await client.PostAsync("/v1/completions", new StringContent("""{"model":"alpha","prompt":"Once upon","max_tokens":5}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("completion from alpha", json["choices"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetModels_OpenAISdk_ListsCatalog()
    {
        var models = _fixture.Gateway.CreateOpenAIClient().GetOpenAIModelClient();

        OpenAIModelCollection list = await models.GetModelsAsync();
        OpenAIModel one = await models.GetModelAsync("alpha");

        Assert.Contains(list, m => m.Id == "alpha");
        Assert.Equal("alpha", one.Id);
        Assert.Equal("openai-compatible", one.OwnedBy);
    }

    [Fact]
    public async Task GetModel_Unknown_Returns404ModelNotFound()
    {
        using var client = _fixture.Gateway.CreateClient();

        using var response = await client.GetAsync("/v1/models/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("model_not_found", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task HealthAndAlive_Answer()
    {
        using var client = _fixture.Gateway.CreateClient(apiKey: null);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }
}
