using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Inference.Pool;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// One real gateway with two keys and local models on the tiny GGUF, each served by a real Gateway.ModelServer child;
/// its log is kept, so that tests can see what went there and not to callers.
/// </summary>
public sealed class LocalModelSafetyFixture : IAsyncLifetime
{
    public const string AliceKey = "sk-alice-safety";
    public const string BobKey = "sk-bob-safety";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("local-model-safety-").FullName;
    public string ModelPath => Path.Combine(Directory, "tiny.gguf");
    public string GarbagePath => Path.Combine(Directory, "garbage.gguf");
    public ListLoggerProvider Log { get; } = new(capacity: 5000);
    public GatewayTestHost Gateway { get; private set; } = null!;
    public ModelPool Pool => Gateway.Services.GetRequiredService<ModelPool>();
    public HttpClient Alice { get; private set; } = null!;
    public HttpClient Bob { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        global::Gateway.Inference.Gguf.TinyModel.Write(ModelPath);
        await File.WriteAllTextAsync(GarbagePath, "this is not a model");
        Gateway = await StartGatewayAsync(Log, new()
        {
            ["Gateway:Models:tiny:Path"] = ModelPath,
            ["Gateway:Models:tiny:ContextSize"] = "4096",
            ["Gateway:Models:fulljson:Path"] = ModelPath,
            ["Gateway:Models:fulljson:JsonGrammar"] = "full",
            ["Gateway:Models:garbage:Path"] = GarbagePath,
        }, Directory);
        Alice = Gateway.CreateClient(AliceKey);
        Bob = Gateway.CreateClient(BobKey);
    }

    /// <summary>A gateway whose keys are Alice's and Bob's, with these local models (each entry's Provider is set to local) and settings.</summary>
    internal static Task<GatewayTestHost> StartGatewayAsync(ListLoggerProvider log, Dictionary<string, string?> settings, string directory)
    {
        static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var all = new Dictionary<string, string?>(settings)
        {
            ["Gateway:Pool:StartTimeout"] = "00:01:00",
            ["Gateway:Routing:ArtifactDirectory"] = Path.Combine(directory, "no-router"),
            ["Gateway:Keys:alice:Hash"] = Hash(AliceKey),
            ["Gateway:Keys:bob:Hash"] = Hash(BobKey),
        };
        foreach (var key in settings.Keys.Where(k => k.EndsWith(":Path", StringComparison.Ordinal) && k.StartsWith("Gateway:Models:", StringComparison.Ordinal)))
        {
            all[key[..^":Path".Length] + ":Provider"] = "local";
        }
        return GatewayTestHost.StartAsync(all, configure: builder =>
        {
            builder.Logging.AddProvider(log);
            builder.Logging.AddFilter<ListLoggerProvider>(null, LogLevel.Debug);
        });
    }

    public async Task DisposeAsync()
    {
        Alice?.Dispose();
        Bob?.Dispose();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
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

/// <summary>
/// A local model cannot be crashed, hijacked or silently hung by a request: hostile grammars are 400s and the server
/// keeps serving, a ModelServer answers only requests with its per-launch key, and no error shows a child's stderr.
/// </summary>
public sealed class LocalModelSafetyTests(LocalModelSafetyFixture fixture) : IClassFixture<LocalModelSafetyFixture>
{
    private static object Schema(string model, object schema, int maxTokens = 20) => Chat.Body("Reply", maxTokens, 1, new
    {
        model,
        response_format = new { type = "json_schema", json_schema = new { name = "x", schema } },
    });

    [Fact]
    public async Task Chat_NestedRepetitionPattern_400NamingTheSchema_AndTheServerServesTheNextCaller()
    {
        using (var warm = await fixture.Bob.PostAsJsonAsync("/v1/chat/completions", Chat.Body("Warm up", 2, 1)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }
        var before = fixture.Pool.Get("tiny");

        using var hostile = await fixture.Alice.PostAsJsonAsync("/v1/chat/completions",
            Schema("tiny", new { type = "object", properties = new { a = new { type = "string", pattern = "(a{0,1000}){0,10}" } } }));
        var error = (await hostile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        using var benign = await fixture.Bob.PostAsJsonAsync("/v1/chat/completions", Chat.Body("Hello", 4, 2));

        Assert.Equal(HttpStatusCode.BadRequest, hostile.StatusCode);
        Assert.Equal("response_format.json_schema.schema", error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, benign.StatusCode);
        var after = fixture.Pool.Get("tiny");
        Assert.Equal(before.ProcessId, after.ProcessId);
        Assert.Equal(before.Restarts, after.Restarts);
    }

    /// <summary><c>()*</c> repeats a group that matches nothing: within every bound, but llama.cpp finds it left-recursive.</summary>
    [Fact]
    public async Task Chat_PatternLlamaCppRefuses_400NamingTheSchema_AndTheServerKeepsServing()
    {
        using var refused = await fixture.Alice.PostAsJsonAsync("/v1/chat/completions",
            Schema("fulljson", new { type = "object", properties = new { a = new { type = "string", pattern = "()*" } } }));
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        using var next = await fixture.Bob.PostAsJsonAsync("/v1/chat/completions", Chat.Body("Hello", 4, 2, new { model = "fulljson" }));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("response_format.json_schema.schema", error.GetProperty("param").GetString());
        Assert.Contains("llama.cpp refused", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(0, fixture.Pool.Get("fulljson").Restarts);
    }

    [Fact]
    public async Task Chat_ToolWhoseParametersNestRepetitions_400NamingThatTool()
    {
        var body = Chat.Body("Call", 20, 1, new
        {
            tools = new object[]
            {
                new { type = "function", function = new { name = "fine", parameters = new { type = "object", properties = new { q = new { type = "string" } } } } },
                new { type = "function", function = new { name = "bad", parameters = new { type = "object", properties = new { q = new { type = "string", pattern = "((ab){0,40}){0,40}" } } } } },
            },
            tool_choice = "required",
        });

        using var response = await fixture.Alice.PostAsJsonAsync("/v1/chat/completions", body);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("tools[1].function.parameters", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task ModelServer_WithoutOrWithAWrongKey_401_WhileTheGatewaysRequestsAreServed()
    {
        using (var served = await fixture.Bob.PostAsJsonAsync("/v1/chat/completions", Chat.Body("Hi", 2, 1)))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
        var baseUri = fixture.Pool.Get("tiny").BaseUri!;
        using var direct = new HttpClient();

        using var bare = await direct.PostAsJsonAsync(new Uri(baseUri, "chat/completions"), Chat.Body("Hi", 2, 1));
        using var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "/health"));
        wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", LocalModelSafetyFixture.AliceKey);
        using var wrongResponse = await direct.SendAsync(wrong);
        var error = (await bare.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        using var alive = await direct.GetAsync(new Uri(baseUri, "/alive"));
        using var after = await fixture.Bob.PostAsJsonAsync("/v1/chat/completions", Chat.Body("Again", 2, 1));

        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal("ok", await alive.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Chat_ModelServerThatCannotLoad_503WithoutItsStderr_WhichTheLogHas()
    {
        using var response = await fixture.Alice.PostAsJsonAsync("/v1/chat/completions", Chat.Body("Hello", 4, 1, new { model = "garbage" }));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("model_unavailable", text, StringComparison.Ordinal);
        // The child wrote "modelserver: cannot load model '<path>': ..." to its stderr.
        Assert.DoesNotContain("modelserver:", text, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.GarbagePath, text, StringComparison.Ordinal);
        Assert.Contains(fixture.Log.Lines, l => l.Contains("stderr", StringComparison.Ordinal) && l.Contains("modelserver: cannot load model", StringComparison.Ordinal));
    }
}
