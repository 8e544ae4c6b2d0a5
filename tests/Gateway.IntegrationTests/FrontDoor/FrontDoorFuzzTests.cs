using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Gateway.Cli;
using Gateway.Inference.Gguf;
using Gateway.Inference.Pool;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>
/// Thousands of seeded, mutated and hostile request bodies (<see cref="FrontDoorFuzzCorpus"/>) through one real gateway
/// with a remote model behind a <see cref="TolerantUpstream"/> (which never answers 5xx), a local model on the tiny GGUF
/// in a real ModelServer child, a trained router and a ReAct agent: no answer may be a 5xx, every 4xx must carry
/// OpenAI's error shape, no stream may end in an error event, and the ModelServer must never be restarted.
/// </summary>
public sealed class FrontDoorFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Seed = 20_261_214;
    private const int BodyLimit = 3 * 1024 * 1024;
    private const int Concurrency = 6;
    private const string UserKey = "sk-fuzz-user";
    private const string AdminKey = "sk-fuzz-admin";

    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-fuzz-").FullName;
    private readonly ListLoggerProvider _log = new(capacity: 100_000);
    private FakeUpstream? _upstream;
    private GatewayTestHost? _gateway;
    private HttpClient _http = null!;

    private static string? DumpPath => Environment.GetEnvironmentVariable("FUZZ_DUMP");

    private ModelPool Pool => _gateway!.Services.GetRequiredService<ModelPool>();

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(FrontDoorFuzzCorpus.Remote);
        _upstream.Record = false;
        _upstream.Handler = TolerantUpstream.HandleAsync;
        var model = Path.Combine(_directory, "tiny.gguf");
        TinyModel.Write(model);
        var documents = Directory.CreateDirectory(Path.Combine(_directory, "docs")).FullName;
        await File.WriteAllTextAsync(Path.Combine(documents, "planets.md"), "Mars is the fourth planet. Venus is the second.");
        await File.WriteAllTextAsync(Path.Combine(documents, "rivers.md"), "The Nile is long. The Amazon carries the most water.");

        static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
        _gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:MaxRequestBodyBytes"] = Number(BodyLimit),
            ["Gateway:Models:remote:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["Gateway:Models:remote:InputPricePerMTok"] = "1",
            ["Gateway:Models:remote:OutputPricePerMTok"] = "2",
            ["Gateway:Models:tiny:Provider"] = "local",
            ["Gateway:Models:tiny:Path"] = model,
            ["Gateway:Models:tiny:ContextSize"] = "1024",
            ["Gateway:Models:tiny:ParallelSequences"] = "4",
            ["Gateway:Pool:StartTimeout"] = "00:01:00",
            ["Gateway:Routing:ArtifactDirectory"] = await TrainRouterAsync(),
            ["Gateway:Routing:DefaultModel"] = FrontDoorFuzzCorpus.Remote,
            ["Gateway:Agents:fuzz:Kind"] = "react",
            ["Gateway:Agents:fuzz:Roles:actor:Model"] = FrontDoorFuzzCorpus.Remote,
            ["Gateway:Agents:fuzz:Roles:actor:MaxTokens"] = "16",
            ["Gateway:Tools:Search:Directory"] = documents,
            ["Gateway:Keys:admin:Hash"] = Hash(AdminKey),
            ["Gateway:Keys:admin:Admin"] = "true",
            // Limits that are enforced (reserved and settled on every request) but that the run never reaches.
            ["Gateway:Keys:user:Hash"] = Hash(UserKey),
            ["Gateway:Keys:user:RequestsPerMinute"] = Number(1_000_000),
            ["Gateway:Keys:user:TokensPerMinute"] = Number(100_000_000_000),
            ["Gateway:Keys:user:BudgetUsd"] = Number(1_000_000),
        }, configure: builder =>
        {
            builder.Logging.AddProvider(_log);
            builder.Logging.AddFilter<ListLoggerProvider>(null, DumpPath is null ? LogLevel.Warning : LogLevel.Debug);
        });
        _http = new HttpClient { BaseAddress = _gateway.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    [Fact]
    public async Task Post_ThousandsOfMutatedAndHostileBodies_NoServerErrorAndTheModelServerKeepsItsProcess()
    {
        await WarmUpAsync();
        var before = Pool.Get(FrontDoorFuzzCorpus.Local);
        // The seed is fixed; FUZZ_SEED explores with another one (and replays what it found).
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), CultureInfo.InvariantCulture, out var chosen) ? chosen : Seed;
        var requests = FrontDoorFuzzCorpus.Generate(seed, BodyLimit);

        var results = new ConcurrentBag<FuzzResult>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Concurrency },
            async (request, _) => results.Add(await SendAsync(request)));

        Report(results);
        var failures = results.Select(r => (Result: r, Problem: FuzzAnswers.Problem(r))).Where(f => f.Problem is not null).ToList();
        Dump(results, failures);
        Assert.True(failures.Count == 0, Describe(failures));
        var after = Pool.Get(FrontDoorFuzzCorpus.Local);
        Assert.Equal(before.ProcessId, after.ProcessId);
        Assert.Equal(before.Restarts, after.Restarts);
        Assert.True(requests.Count >= 3_000, $"only {requests.Count} requests were generated");
        await WarmUpAsync();
    }

    /// <summary>The local model's server is started and answers, the router and the remote model too.</summary>
    private async Task WarmUpAsync()
    {
        foreach (var model in new[] { FrontDoorFuzzCorpus.Local, FrontDoorFuzzCorpus.Remote, "auto" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, FrontDoorFuzzCorpus.Chat)
            {
                Content = JsonContent.Create(new { model, messages = new[] { new { role = "user", content = "Hello" } }, max_tokens = 2 }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", UserKey);
            using var response = await _http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{model}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task<FuzzResult> SendAsync(FuzzRequest request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Path) { Content = new ByteArrayContent(request.Body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var key = request.Key switch
        {
            FuzzKey.User => UserKey,
            FuzzKey.Admin => AdminKey,
            FuzzKey.Wrong => "sk-not-a-key",
            _ => null,
        };
        if (key is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.Path == FrontDoorFuzzCorpus.Mcp)
        {
            message.Headers.Accept.ParseAdd("application/json");
            message.Headers.Accept.ParseAdd("text/event-stream");
        }

        // Not a timing assertion: a request that gets no answer at all is a hang, reported as such.
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            using var response = await _http.SendAsync(message, hang.Token);
            var body = await response.Content.ReadAsByteArrayAsync(hang.Token);
            return new FuzzResult(request, (int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return new FuzzResult(request, 0, [], null, e.GetType().Name + ": " + e.Message);
        }
    }

    private void Report(IEnumerable<FuzzResult> results)
    {
        foreach (var group in results.GroupBy(r => r.Request.Path).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var statuses = string.Join(", ", group.GroupBy(r => r.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Count()}"));
            output.WriteLine($"{group.Key,-22} {group.Count(),5} requests   {statuses}");
        }
    }

    /// <summary>
    /// With <c>FUZZ_DUMP=PATH</c>, writes every failure in full to PATH, every answer to PATH.all and the gateway's log
    /// (at Debug, the model server's output included) to PATH.log: what a failure needs to be reproduced and fixed.
    /// </summary>
    private void Dump(IEnumerable<FuzzResult> results, List<(FuzzResult Result, string? Problem)> failures)
    {
        if (DumpPath is not { } path)
        {
            return;
        }

        var text = new StringBuilder();
        foreach (var (result, problem) in failures.OrderBy(f => f.Result.Request.Path, StringComparer.Ordinal).ThenBy(f => f.Result.Request.Mutation, StringComparer.Ordinal))
        {
            text.Append(result.Request.Path).Append(" [").Append(result.Request.Mutation).Append("] -> ").Append(result.Status).Append(": ").AppendLine(problem)
                .Append("  body: ").AppendLine(result.Request.Preview(600))
                .Append("  answer: ").AppendLine(Encoding.UTF8.GetString(result.Body, 0, Math.Min(result.Body.Length, 600)));
        }

        File.WriteAllText(path, text.ToString());
        File.WriteAllLines(path + ".all", results.Select(r =>
            $"{r.Request.Path} [{r.Request.Mutation}] -> {r.Status} {Encoding.UTF8.GetString(r.Body, 0, Math.Min(r.Body.Length, 200)).ReplaceLineEndings(" ")}"));
        File.WriteAllLines(path + ".log", _log.Lines);
    }

    private string Describe(List<(FuzzResult Result, string? Problem)> failures)
    {
        var text = new StringBuilder().Append(failures.Count).AppendLine(" answers broke the rules; the first ones:");
        foreach (var (result, problem) in failures.Take(8))
        {
            var answer = Encoding.UTF8.GetString(result.Body, 0, Math.Min(result.Body.Length, 300));
            text.Append("POST ").Append(result.Request.Path).Append(" [").Append(result.Request.Mutation).Append("] -> ").Append(result.Status)
                .Append(": ").AppendLine(problem)
                .Append("  body: ").AppendLine(result.Request.Preview())
                .Append("  answer: ").AppendLine(answer);
        }

        var errors = _log.Lines.Where(l => l.Contains(" Error ", StringComparison.Ordinal) || l.Contains(" Critical ", StringComparison.Ordinal)).Take(5);
        foreach (var line in errors)
        {
            text.Append("log: ").AppendLine(line.Length > 1_500 ? line[..1_500] : line);
        }

        return text.ToString();
    }

    /// <summary>A router (hashing encoder, trained by the gateway's own verb) over the remote and the local model.</summary>
    private async Task<string> TrainRouterAsync()
    {
        var data = Path.Combine(_directory, "routing-data");
        var artifact = Path.Combine(_directory, "router");
        RoutingDataset.Write(data, perTask: 40);
        foreach (var file in Directory.GetFiles(data))
        {
            var text = await File.ReadAllTextAsync(file);
            await File.WriteAllTextAsync(file, text.Replace("mathbot", FrontDoorFuzzCorpus.Remote, StringComparison.Ordinal)
                .Replace("wordbot", FrontDoorFuzzCorpus.Local, StringComparison.Ordinal));
        }

        Assert.Equal(0, await GatewayCli.InvokeAsync(["router", "train", "--data", data, "--out", artifact, "--encoder", "hashing", "--ensemble", "1", "--epochs", "3"]));
        return artifact;
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

}
