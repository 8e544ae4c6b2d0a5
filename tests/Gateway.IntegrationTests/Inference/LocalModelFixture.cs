using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Inference;
using Gateway.Inference.Gguf;
using Gateway.Inference.Pool;
using Gateway.TestUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.IntegrationTests.Inference;

[CollectionDefinition(Name)]
public sealed class LocalModelCollection : ICollectionFixture<LocalModelFixture>
{
    public const string Name = "local-models";
}

/// <summary>
/// Writes the tiny model to a temp folder and supervises real Gateway.ModelServer processes through
/// <see cref="ModelPool"/>, registered exactly as the gateway registers it.
/// </summary>
public sealed class LocalModelFixture : IAsyncLifetime
{
    private ServiceProvider? _services;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("local-models-").FullName;
    public string ModelPath => Path.Combine(Directory, "tiny.gguf");
    public string WideHeadsPath => Path.Combine(Directory, "wide-heads.gguf");
    /// <summary>A client whose requests to the pool's model servers carry their keys, as the gateway's do.</summary>
    public HttpClient Http { get; }

    /// <summary>The pool's log, model server output included, for failure messages.</summary>
    public ListLoggerProvider Log { get; } = new();
    public ModelPool Pool => _services!.GetRequiredService<ModelPool>();

    public LocalModelFixture() => Http = new HttpClient(new ModelServerAuthorization(() => _services?.GetRequiredService<ModelPool>())) { Timeout = TimeSpan.FromSeconds(60) };

    public Task InitializeAsync()
    {
        TinyModel.Write(ModelPath);
        // Two 32-wide attention heads: a quantised KV cache stores each head's row in blocks of 32.
        TinyModel.Write(WideHeadsPath, new TinyModelOptions { HeadCount = 2, HeadCountKv = 2 });
        File.WriteAllText(Path.Combine(Directory, "garbage.gguf"), "this is not a model");
        _services = BuildPool(Log, new()
        {
            ["Gateway:Pool:RestartBackoff"] = "00:00:02",
            ["Gateway:Pool:StartTimeout"] = "00:01:00",
            ["Gateway:Models:tiny:Provider"] = "local",
            ["Gateway:Models:tiny:Path"] = ModelPath,
            ["Gateway:Models:tiny:ParallelSequences"] = "4",
            ["Gateway:Models:tiny:ContextSize"] = "16384",
            ["Gateway:Models:mistralfmt:Path"] = ModelPath,
            ["Gateway:Models:mistralfmt:ParallelSequences"] = "2",
            ["Gateway:Models:mistralfmt:ContextSize"] = "4096",
            ["Gateway:Models:mistralfmt:ToolFormat"] = "mistral",
            ["Gateway:Models:sharedkv:Path"] = ModelPath,
            ["Gateway:Models:sharedkv:ParallelSequences"] = "4",
            ["Gateway:Models:sharedkv:ContextSize"] = "16384",
            ["Gateway:Models:sharedkv:SharedKvCache"] = "true",
            ["Gateway:Models:prefix:Path"] = ModelPath,
            ["Gateway:Models:prefix:ParallelSequences"] = "4",
            ["Gateway:Models:prefix:ContextSize"] = "4096",
            ["Gateway:Models:nocache:Path"] = ModelPath,
            ["Gateway:Models:nocache:ParallelSequences"] = "4",
            ["Gateway:Models:nocache:ContextSize"] = "4096",
            ["Gateway:Models:nocache:PrefixCache"] = "false",
            ["Gateway:Models:q8kv:Path"] = WideHeadsPath,
            ["Gateway:Models:q8kv:ParallelSequences"] = "2",
            ["Gateway:Models:q8kv:KvCacheType"] = "q8_0",
            ["Gateway:Models:q8narrow:Path"] = ModelPath,
            ["Gateway:Models:q8narrow:KvCacheType"] = "q8_0",
            ["Gateway:Models:single:Path"] = ModelPath,
            ["Gateway:Models:single:ParallelSequences"] = "1",
            ["Gateway:Models:single:QueueLimit"] = "0",
            ["Gateway:Models:single:ContextSize"] = "16384",
            ["Gateway:Models:lane:Path"] = ModelPath,
            ["Gateway:Models:lane:ParallelSequences"] = "1",
            ["Gateway:Models:lane:QueueLimit"] = "2",
            ["Gateway:Models:lane:ContextSize"] = "16384",
            ["Gateway:Models:fulljson:Path"] = ModelPath,
            ["Gateway:Models:fulljson:JsonGrammar"] = "full",
            ["Gateway:Models:crash:Path"] = ModelPath,
            ["Gateway:Models:crash:ParallelSequences"] = "2",
            ["Gateway:Models:missing:Path"] = Path.Combine(Directory, "no-such-model.gguf"),
            ["Gateway:Models:garbage:Path"] = Path.Combine(Directory, "garbage.gguf"),
            ["Gateway:Models:badlib:Path"] = ModelPath,
            ["Gateway:Models:badlib:GpuLayers"] = "99",
            ["Gateway:Models:badlib:NativeLibraryPath"] = Path.Combine(Directory, "no-cuda-build"),
        });
        return Task.CompletedTask;
    }

    internal static ServiceProvider BuildPool(ListLoggerProvider? log, Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddLogging(b =>
            {
                b.SetMinimumLevel(LogLevel.Debug);
                if (log is not null)
                {
                    b.AddProvider(log);
                }
            })
            .AddSingleton<IConfiguration>(configuration);
        services.AddModelPool(configuration);
        return services.BuildServiceProvider();
    }

    public async Task<JsonDocument> ChatAsync(string model, object body)
    {
        var baseUri = await Pool.EnsureStartedAsync(model);
        using var response = await Http.PostAsJsonAsync(new Uri(baseUri, "chat/completions"), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }

    public async Task<JsonElement> HealthAsync(string model)
    {
        var baseUri = await Pool.EnsureStartedAsync(model);
        return (await Http.GetFromJsonAsync<JsonElement>(new Uri(baseUri, "/health")))!;
    }

    /// <summary>Waits until no sequence of <paramref name="model"/> is decoding and nothing is queued (and <paramref name="also"/> holds).</summary>
    public async Task WaitForIdleAsync(string model, Func<JsonElement, bool>? also = null)
    {
        // The server announces nothing: its health is read until it is idle. An unfreed sequence would never come back
        // at all, so the backstop only ends a broken run.
        await Poll.UntilAsync(async () =>
        {
            var health = await HealthAsync(model);
            return health.GetProperty("active").GetInt32() == 0 && health.GetProperty("queued").GetInt32() == 0 && also?.Invoke(health) != false;
        }, $"'{model}' still has active or queued requests; pool log:\n{Log.Tail()}");
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        Http.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
