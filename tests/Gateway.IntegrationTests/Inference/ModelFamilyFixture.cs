using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Inference.Gguf;
using Gateway.TestUtilities;
using Gateway.TestUtilities.Inference;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// One real gateway whose catalog holds tiny random-weight GGUFs shaped like real families: each carries a real
/// chat template from llama.cpp's <c>models/templates</c> (fetched at test time, see <see cref="ChatTemplateGoldens"/>),
/// the family's special tokens and its kind of tokenizer. Each model is served by a real Gateway.ModelServer process.
/// </summary>
public sealed class ModelFamilyFixture : IAsyncLifetime
{
    /// <summary>The catalog name, template file, tokenizer and special tokens of each family's model.</summary>
    public static readonly IReadOnlyList<(string Model, string Template, TinyTokenizer Tokenizer, SpecialTokenSet Tokens)> Families =
    [
        ("llama31", "meta-llama-Llama-3.1-8B-Instruct.jinja", TinyTokenizer.Bpe, SpecialTokenSet.Llama3),
        ("qwen25", "Qwen-Qwen2.5-7B-Instruct.jinja", TinyTokenizer.Bpe, SpecialTokenSet.ChatMl),
        ("mistral", "mistralai-Mistral-Nemo-Instruct-2407.jinja", TinyTokenizer.SentencePiece, SpecialTokenSet.Mistral),
        // A reasoning model: its generation prompt opens <think> (when enable_thinking is set).
        ("qwq", "Qwen-QwQ-32B.jinja", TinyTokenizer.Bpe, SpecialTokenSet.ChatMl),
    ];

    private GatewayTestHost? _gateway;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("gateway-model-families-").FullName;
    public GatewayTestHost Gateway => _gateway!;

    /// <summary>A raw client with the development key, which is an admin key.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Pool:StartTimeout"] = "00:01:00",
            ["Gateway:Routing:ArtifactDirectory"] = Path.Combine(Directory, "no-router"),
            ["Gateway:Routing:DefaultModel"] = Families[0].Model,
        };
        foreach (var (model, template, tokenizer, tokens) in Families)
        {
            var path = Path.Combine(Directory, model + ".gguf");
            TinyModel.Write(path, new TinyModelOptions { ChatTemplate = ChatTemplateGoldens.Template(template), Tokenizer = tokenizer, SpecialTokens = tokens });
            settings[$"Gateway:Models:{model}:Provider"] = "local";
            settings[$"Gateway:Models:{model}:Path"] = path;
            settings[$"Gateway:Models:{model}:ParallelSequences"] = "2";
            settings[$"Gateway:Models:{model}:ContextSize"] = "4096";
        }
        _gateway = await GatewayTestHost.StartAsync(settings);
        Http = Gateway.CreateClient();
    }

    /// <summary>The prompt the gateway's admin <c>apply-template</c> renders for <paramref name="body"/> on <paramref name="model"/>.</summary>
    public async Task<string> ApplyTemplateAsync(string model, object body)
    {
        using var response = await Http.PostAsJsonAsync($"/admin/models/{model}/apply-template", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("prompt").GetString()!;
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
