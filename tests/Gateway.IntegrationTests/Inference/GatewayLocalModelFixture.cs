using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Inference.Gguf;
using Gateway.Inference.Pool;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// One real gateway whose catalog holds local models on the tiny GGUF, each served by a real
/// Gateway.ModelServer process that the gateway's pool starts on first use. Tests talk to the
/// gateway's <c>/v1</c> front door, never to the model servers.
/// </summary>
public sealed class GatewayLocalModelFixture : IAsyncLifetime
{
    private GatewayTestHost? _gateway;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("gateway-local-models-").FullName;
    public string ModelPath => Path.Combine(Directory, "tiny.gguf");
    public string MissingPath => Path.Combine(Directory, "no-such-model.gguf");
    public GatewayTestHost Gateway => _gateway!;
    public ModelPool Pool => Gateway.Services.GetRequiredService<ModelPool>();
    public HttpClient Http { get; private set; } = null!;

    /// <summary>A client for the model servers themselves, carrying each one's key as the gateway does.</summary>
    public HttpClient ServerHttp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        TinyModel.Write(ModelPath);
        await File.WriteAllTextAsync(Path.Combine(Directory, "garbage.gguf"), "this is not a model");
        _gateway = await GatewayTestHost.StartAsync(Settings(ModelPath, Directory, MissingPath));
        Http = Gateway.CreateClient();
        ServerHttp = new HttpClient(new ModelServerAuthorization(() => Pool));
    }

    private static Dictionary<string, string?> Settings(string model, string directory, string missing) => new()
    {
        // Long enough that a test sees the crashed model down before its restart.
        ["Gateway:Pool:RestartBackoff"] = "00:00:04",
        ["Gateway:Pool:StartTimeout"] = "00:01:00",
        ["Gateway:Routing:ArtifactDirectory"] = Path.Combine(directory, "no-router"),
        ["Gateway:Routing:DefaultModel"] = "tiny",
        ["Gateway:Models:tiny:Provider"] = "local",
        ["Gateway:Models:tiny:Path"] = model,
        ["Gateway:Models:tiny:ParallelSequences"] = "4",
        ["Gateway:Models:tiny:ContextSize"] = "16384",
        ["Gateway:Models:single:Provider"] = "local",
        ["Gateway:Models:single:Path"] = model,
        ["Gateway:Models:single:ParallelSequences"] = "1",
        ["Gateway:Models:single:QueueLimit"] = "0",
        ["Gateway:Models:single:ContextSize"] = "16384",
        ["Gateway:Models:crash:Provider"] = "local",
        ["Gateway:Models:crash:Path"] = model,
        ["Gateway:Models:crash:ParallelSequences"] = "2",
        ["Gateway:Models:missing:Provider"] = "local",
        ["Gateway:Models:missing:Path"] = missing,
        ["Gateway:Models:garbage:Provider"] = "local",
        ["Gateway:Models:garbage:Path"] = Path.Combine(directory, "garbage.gguf"),
    };

    /// <summary>POSTs a chat body to the gateway's front door.</summary>
    public Task<HttpResponseMessage> PostChatAsync(object body, CancellationToken cancellation = default) =>
        Http.PostAsJsonAsync("/v1/chat/completions", body, cancellation);

    /// <summary>Opens a streaming chat request through the gateway; headers read, body not yet.</summary>
    public Task<HttpResponseMessage> OpenStreamAsync(object body) =>
        Chat.OpenStreamAsync(Http, Gateway.ApiBase.AppendSlash(), body);

    /// <summary>The ModelServer's own <c>/health</c>, reached through the address the pool holds.</summary>
    public async Task<JsonElement> ServerHealthAsync(string model)
    {
        var baseUri = Pool.Get(model).BaseUri ?? throw new InvalidOperationException($"'{model}' is not running.");
        return await ServerHttp.GetFromJsonAsync<JsonElement>(new Uri(baseUri, "/health"));
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        ServerHttp?.Dispose();
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

internal static class UriExtensions
{
    public static Uri AppendSlash(this Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
