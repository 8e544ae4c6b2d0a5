// OpenAI's SDK marks its batch client as evaluation-only; it is the client these tests prove the API against.
#pragma warning disable OPENAI001
using System.ClientModel;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Inference.Gguf;
using Gateway.TestUtilities;
using OpenAI;
using OpenAI.Batch;
using OpenAI.Files;

namespace Gateway.IntegrationTests.Batches;

/// <summary>
/// A real gateway with the tiny GGUF served by a real ModelServer, two keys (alice, bob) and its batch state in a
/// directory of its own; <see cref="StartAsync"/> starts further gateways on a directory (for restarts).
/// </summary>
public sealed class BatchesFixture : IAsyncLifetime
{
    public const string AliceKey = "sk-batch-alice";
    public const string BobKey = "sk-batch-bob";
    public const long MaxFileBytes = 64 * 1024;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("gateway-batches-").FullName;
    public string ModelPath => Path.Combine(Directory, "tiny.gguf");
    public GatewayTestHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        TinyModel.Write(ModelPath);
        Gateway = await StartAsync(Path.Combine(Directory, "state"));
    }

    public Task<GatewayTestHost> StartAsync(string stateDirectory, int maxConcurrentLines = 2) => GatewayTestHost.StartAsync(new Dictionary<string, string?>
    {
        ["Gateway:Pool:StartTimeout"] = "00:01:00",
        ["Gateway:Routing:ArtifactDirectory"] = Path.Combine(Directory, "no-router"),
        ["Gateway:Models:tiny:Provider"] = "local",
        ["Gateway:Models:tiny:Path"] = ModelPath,
        ["Gateway:Models:tiny:ParallelSequences"] = "4",
        ["Gateway:Models:tiny:ContextSize"] = "8192",
        ["Gateway:Keys:alice:Hash"] = Hash(AliceKey),
        ["Gateway:Keys:bob:Hash"] = Hash(BobKey),
        ["Gateway:Batches:Directory"] = stateDirectory,
        ["Gateway:Batches:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Gateway:Batches:MaxConcurrentLines"] = maxConcurrentLines.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static OpenAIClient Client(GatewayTestHost gateway, string key) => gateway.CreateOpenAIClient(key);

    public static HttpClient Http(GatewayTestHost gateway, string key)
    {
        var http = gateway.CreateClient(null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>A chat batch line; <paramref name="maxTokens"/> tokens with the end token banned, so each line does the same work.</summary>
    public static string Line(string customId, string prompt, int maxTokens = 4, string model = "tiny") => JsonSerializer.Serialize(new
    {
        custom_id = customId,
        method = "POST",
        url = "/v1/chat/completions",
        body = ChatBody(prompt, maxTokens, model),
    });

    public static object ChatBody(string prompt, int maxTokens, string model = "tiny") => new
    {
        model,
        messages = new[] { new { role = "user", content = prompt } },
        max_tokens = maxTokens,
        temperature = 0,
        seed = 7,
        logit_bias = new Dictionary<string, int> { ["2"] = -100, ["4"] = -100 },
    };

    public static async Task<string> UploadAsync(OpenAIClient client, IEnumerable<string> lines)
    {
        var file = await client.GetOpenAIFileClient().UploadFileAsync(BinaryData.FromString(string.Join("\n", lines) + "\n"), "input.jsonl", FileUploadPurpose.Batch);
        return file.Value.Id;
    }

    public static async Task<CreateBatchOperation> CreateAsync(OpenAIClient client, string fileId, string endpoint = "/v1/chat/completions") =>
        await client.GetBatchClient().CreateBatchAsync(BinaryContent.Create(BinaryData.FromObjectAsJson(new
        {
            input_file_id = fileId,
            endpoint,
            completion_window = "24h",
            metadata = new { purpose = "test" },
        })), waitUntilCompleted: false);

    /// <summary>Polls the batch through the SDK until it ends; returns its last object.</summary>
    public static async Task<JsonElement> WaitAsync(CreateBatchOperation operation)
    {
        await Poll.UntilAsync(async () =>
        {
            await operation.UpdateStatusAsync();
            return operation.HasCompleted;
        }, "the batch did not end", TimeSpan.FromMinutes(3));
        return Json(operation.GetRawResponse());
    }

    public static JsonElement Json(System.ClientModel.Primitives.PipelineResponse response) =>
        JsonDocument.Parse(response.Content.ToString()).RootElement.Clone();

    public static async Task<List<JsonElement>> ReadLinesAsync(OpenAIClient client, string fileId)
    {
        var content = (await client.GetOpenAIFileClient().DownloadFileAsync(fileId)).Value.ToString();
        return content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
