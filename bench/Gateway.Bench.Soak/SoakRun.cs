using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Inference.Gguf;

namespace Gateway.Bench.Soak;

/// <summary>
/// One soak run: the mock upstream, a router and the tiny GGUF are prepared; the gateway starts as its own process;
/// its keys are created; good traffic runs alone (baseline), then beside every attack class (attack); the gateway's
/// metrics are read and the report is printed and written.
/// </summary>
internal static class SoakRun
{
    public const string Baseline = "baseline";
    public const string Attack = "attack";
    public const string WarmUp = "warm-up";
    public const int GoodKeys = 3;

    public static async Task<int> RunAsync(SoakSettings settings, CancellationToken cancellation)
    {
        var work = Directory.CreateTempSubdirectory("gateway-soak-").FullName;
        try
        {
            Console.WriteLine("Preparing: mock upstream, tiny GGUF, router (gateway's own `router train`).");
            await using var mock = await MockUpstream.StartAsync();
            var model = Path.Combine(work, "tiny.gguf");
            TinyModel.Write(model);
            var router = await RouterData.TrainAsync(settings.GatewayDll, work, cancellation);
            var adminKey = "sk-soak-admin-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            await using var gateway = await GatewayProcess.StartAsync(settings.GatewayDll, work, Environment(mock, model, router, adminKey, work), cancellation);
            using var admin = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            using var client = new SoakClient(gateway.BaseAddress);
            var keys = await SoakKeys.CreateAsync(admin, GoodKeys);
            await WarmUpAsync(client, keys.Good[0], cancellation);
            var latencies = new LatencyLog();
            var good = new GoodTraffic(client, keys.Good, latencies);
            Console.WriteLine($"Warming up: good traffic for {settings.WarmUp.TotalSeconds:0} s, not measured.");
            using (var stop = new CancellationTokenSource(settings.WarmUp))
            {
                await good.RunAsync(WarmUp, settings.GoodWorkers, stop.Token);
            }

            var before = await ModelServerAsync(admin);
            var attacks = new Attacks(client, keys, settings.Seed);
            await using var memory = new MemorySampler(gateway.ProcessId, admin);
            Console.WriteLine($"{Baseline}: good traffic alone for {settings.Baseline.TotalSeconds:0} s ({settings.GoodWorkers} loops over {GoodKeys} keys).");
            memory.Phase = Baseline;
            using (var stop = new CancellationTokenSource(settings.Baseline))
            {
                await good.RunAsync(Baseline, settings.GoodWorkers, stop.Token);
            }

            var baselineLoad = LoadAverage();

            Console.WriteLine($"{Attack}: the same good traffic beside {Attacks.Classes.Length} attack classes ({settings.AttackWorkers} loops) for {settings.Attack.TotalSeconds:0} s.");
            memory.Phase = Attack;
            var attackStart = DateTimeOffset.UtcNow;
            using (var stop = new CancellationTokenSource(settings.Attack))
            {
                await Task.WhenAll(good.RunAsync(Attack, settings.GoodWorkers, stop.Token), attacks.RunAsync(settings.AttackWorkers, stop.Token));
            }

            var attackLoad = LoadAverage();
            var attackMinutes = (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 - attackStart.ToUnixTimeSeconds() / 60) + 1;

            memory.Phase = null;

            // Settlements reach the limit store within Gateway:Limits:UsageFlushInterval (50 ms); the metrics are recorded as each request ends.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            var metrics = await admin.GetStringAsync("/metrics", cancellation);
            var after = await ModelServerAsync(admin);
            var result = new SoakResult(settings, latencies, keys, attacks, mock, memory, metrics, before, after, gateway.Output()) { AttackMinutes = attackMinutes, LoadAverages = (baselineLoad, attackLoad) };
            Report.Print(result);
            var written = Report.Write(result);
            Console.WriteLine($"Written: {written}");
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A ModelServer still closing its files; the temp folder goes with the machine's cleanup.
            }
        }
    }

    private static Dictionary<string, string> Environment(MockUpstream mock, string model, string router, string adminKey, string work) => new()
    {
        ["Gateway__ConfigDirectory"] = work,
        ["Gateway__AllowDevelopmentKey"] = "false",
        ["Gateway__Keys__admin__Hash"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(adminKey))),
        ["Gateway__Keys__admin__Admin"] = "true",
        ["Gateway__Models__remote__BaseUrl"] = mock.BaseUrl.ToString(),
        // A dollar per million tokens both ways, on both models: a key's spend in millionths is its tokens.
        ["Gateway__Models__remote__InputPricePerMTok"] = "1",
        ["Gateway__Models__remote__OutputPricePerMTok"] = "1",
        ["Gateway__Models__tiny__Provider"] = "local",
        ["Gateway__Models__tiny__Path"] = model,
        ["Gateway__Models__tiny__ContextSize"] = "2048",
        ["Gateway__Models__tiny__ParallelSequences"] = "4",
        ["Gateway__Models__tiny__InputPricePerMTok"] = "1",
        ["Gateway__Models__tiny__OutputPricePerMTok"] = "1",
        ["Gateway__Routing__ArtifactDirectory"] = router,
        ["Gateway__Routing__DefaultModel"] = Bodies.Remote,
        ["Gateway__Agents__soak__Kind"] = "react",
        ["Gateway__Agents__soak__Roles__actor__Model"] = Bodies.Remote,
        ["Gateway__Agents__soak__Roles__actor__MaxTokens"] = "32",
        // Logging at Warning, as a deployment tuned for throughput runs: per-request logs would be measured as serving cost.
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Gateway"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning",
    };

    /// <summary>The machine's one-minute load average (<c>/proc/loadavg</c>): how busy the cores everything shares were.</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "-";
        }
    }

    /// <summary>Starts the local model's server and the router's first decision before anything is measured; these requests are the first good key's.</summary>
    private static async Task WarmUpAsync(SoakClient client, (KeyLedger Ledger, string Secret) key, CancellationToken cancellation)
    {
        foreach (var model in new[] { Bodies.Local, Bodies.Remote, "auto" })
        {
            for (var attempt = 0; ; attempt++)
            {
                var outcome = await client.SendAsync(key.Secret, "/v1/chat/completions", Bodies.Chat(model, "Hello", 2), new SendOptions { ToMock = model == Bodies.Remote });
                key.Ledger.Record(outcome);
                if (outcome.Status == 200)
                {
                    break;
                }

                if (attempt == 60)
                {
                    throw new InvalidOperationException($"Warming up '{model}' kept failing: {outcome.Status} {outcome.Text}");
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
        }
    }

    /// <summary>The local model's ModelServer as the pool reports it: its process id and restarts.</summary>
    private static async Task<(int? ProcessId, int Restarts)> ModelServerAsync(HttpClient admin)
    {
        using var document = JsonDocument.Parse(await admin.GetStringAsync("/admin/models"));
        var entry = document.RootElement.EnumerateArray().First(m => m.GetProperty("name").GetString() == Bodies.Local);
        var pid = entry.GetProperty("processId").ValueKind == JsonValueKind.Number ? entry.GetProperty("processId").GetInt32() : (int?)null;
        return (pid, entry.GetProperty("restarts").GetInt32());
    }
}

/// <summary>Everything the report needs from one run.</summary>
internal sealed record SoakResult(
    SoakSettings Settings, LatencyLog Latencies, SoakKeys Keys, Attacks Attacks, MockUpstream Mock, MemorySampler Memory, string Metrics,
    (int? ProcessId, int Restarts) Before, (int? ProcessId, int Restarts) After, string GatewayOutput)
{
    /// <summary>A key's charge: its spend from <c>gateway_spend_usd_total</c>, in millionths of a dollar (= tokens at $1 per million).</summary>
    public long Charged(string key) => (long)Math.Round(PrometheusText.Sum(Metrics, "gateway_spend_usd_total", "key", key) * 1_000_000, MidpointRounding.AwayFromZero);

    /// <summary>Calendar minutes the attack phase touched (limit windows are calendar minutes).</summary>
    public int AttackMinutes { get; init; }

    /// <summary>The machine's one-minute load average at the end of each phase.</summary>
    public (string Baseline, string Attack) LoadAverages { get; init; } = ("-", "-");

    public double MetricRestarts => PrometheusText.Sum(Metrics, "gateway_pool_modelserver_restarts_total", "model", Bodies.Local);

    public static string Megabytes(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
