using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Gateway.Bench.Soak;

/// <summary>The soak's report: printed as tables and written as <c>report.md</c> and <c>report.json</c>.</summary>
internal static class Report
{
    /// <summary>How charged and served are computed, and where they may legitimately differ.</summary>
    public const string Method = """
        Charged: the key's spend from the gateway's /metrics (gateway_spend_usd_total{key}) in millionths of a dollar. Both models cost $1 per
        million tokens in and out, so that is the tokens the gateway settled for the key: the upstream's usage where it came, else the
        gateway's documented estimate.
        Served: what the key's callers were given, summed over their answers:
          - usage seen: the usage the answer carried (a JSON answer's usage, a stream's usage chunk when it asked for one);
          - upstream counted: a stream to the mock that finished without a usage chunk (include_usage false or absent): the usage the mock
            reported to the gateway for that request id (the gateway asks every stream for usage and drops the chunk for such a caller);
          - hang-up estimate: a caller that hung up mid-stream: the documented estimate of what it received, a prompt token per 4 bytes of
            its request body plus, per chunk it read that carries text, one token or one per 4 bytes of that text;
          - refusal estimate: an error answered by the model itself (x-gateway-model set, no usage; e.g. the ModelServer's 400 for a hostile
            schema): the documented estimate the gateway charges when no usage comes, here a prompt token per 4 bytes of the request body
            (an error body is not counted as completion).
        Target: charged = served. They may legitimately differ only for hang-ups, where charged >= served: the gateway notices a caller
        has gone when a write to it fails, and until then it goes on reading the upstream. When the upstream finished first (its usage
        chunk read: "hang-ups finished upstream" counts these for the mock), the upstream's whole usage is charged, the tokens the model
        produced for a caller who left; otherwise the estimate of what the gateway forwarded, which includes chunks in flight that the
        caller never read. Refusals by the gateway itself
        (400, 401, 413, 429 before a model is chosen) are charged nothing and served nothing; MCP tool calls and /v1/route count requests,
        not tokens.
        """;

    public static void Print(SoakResult result)
    {
        // Redirected to a file or a pipe, the console has no width; the tables are wide.
        AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 240);
        foreach (var (title, header, rows) in Tables(result))
        {
            var table = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded };
            foreach (var column in header)
            {
                table.AddColumn(new TableColumn(Markup.Escape(column)));
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            AnsiConsole.Write(table);
        }

        AnsiConsole.WriteLine(Method);
    }

    /// <summary>Writes report.md and report.json under a folder named for the run's start; returns that folder.</summary>
    public static string Write(SoakResult result)
    {
        var folder = Directory.CreateDirectory(Path.Combine(result.Settings.Output.FullName, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture))).FullName;
        var markdown = new StringBuilder("# Soak report\n\n");
        var json = new Dictionary<string, object>();
        foreach (var (title, header, rows) in Tables(result))
        {
            markdown.Append("## ").AppendLine(title).AppendLine()
                .Append("| ").AppendJoin(" | ", header).AppendLine(" |")
                .Append('|').AppendJoin("", header.Select(_ => "---|")).AppendLine();
            foreach (var row in rows)
            {
                markdown.Append("| ").AppendJoin(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).AppendLine(" |");
            }

            markdown.AppendLine();
            json[title] = rows.Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
        }

        markdown.AppendLine("## Method").AppendLine().AppendLine("```").AppendLine(Method).AppendLine("```");
        File.WriteAllText(Path.Combine(folder, "report.md"), markdown.ToString());
        File.WriteAllText(Path.Combine(folder, "report.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(folder, "gateway-output.txt"), result.GatewayOutput);
        return folder;
    }

    private static IEnumerable<(string Title, string[] Header, List<string[]> Rows)> Tables(SoakResult r)
    {
        var memory = r.Memory.Peaks;
        long Peak(string phase, string process) => memory.TryGetValue((phase, process), out var bytes) ? bytes : 0;
        yield return ("Gateway", ["measure", SoakRun.Baseline, SoakRun.Attack, "note"],
        [
            ["good requests (not 200)", $"{r.Latencies.Count(SoakRun.Baseline)} ({r.Latencies.Failures(SoakRun.Baseline)})",
                $"{r.Latencies.Count(SoakRun.Attack)} ({r.Latencies.Failures(SoakRun.Attack)})", "target: no failures"],
            ["machine load average (1 min, at the end)", r.LoadAverages.Baseline, r.LoadAverages.Attack, $"{Environment.ProcessorCount} cores shared by the gateway, its ModelServer, this client and anything else running"],
            ["attack requests", "0", r.Attacks.Log.Values.Sum(v => v.Values.Sum()).ToString(CultureInfo.InvariantCulture), $"{Attacks.Classes.Length} classes"],
            ["gateway max VmRSS (MB)", SoakResult.Megabytes(Peak(SoakRun.Baseline, "gateway")), SoakResult.Megabytes(Peak(SoakRun.Attack, "gateway")),
                $"VmHWM at the end: {SoakResult.Megabytes(r.Memory.GatewayHighWaterMark)} MB"],
            ["ModelServer max VmRSS (MB)", SoakResult.Megabytes(Peak(SoakRun.Baseline, "modelserver")), SoakResult.Megabytes(Peak(SoakRun.Attack, "modelserver")), ""],
            ["ModelServer restarts", r.Before.Restarts.ToString(CultureInfo.InvariantCulture), r.After.Restarts.ToString(CultureInfo.InvariantCulture),
                $"gateway_pool_modelserver_restarts_total = {r.MetricRestarts.ToString(CultureInfo.InvariantCulture)}; pid {r.Before.ProcessId} -> {r.After.ProcessId}; target 0"],
            ["caller headers reaching the upstream", "", r.Mock.ForbiddenHeaderRequests.ToString(CultureInfo.InvariantCulture), "Cookie, OpenAI-Organization/Project, x-api-key; target 0"],
            ["burst key: tokens charged", "", r.Charged(r.Keys.Burst.Ledger.Name).ToString(CultureInfo.InvariantCulture),
                $"limit {Attacks.BurstTokensPerMinute} per calendar minute x {r.AttackMinutes} minutes touched = {Attacks.BurstTokensPerMinute * r.AttackMinutes}; " +
                "each minute may overshoot by one request's reservation"],
        ]);

        var latency = new List<string[]>();
        foreach (var operation in GoodTraffic.OperationNames.Cast<string?>().Append(null))
        {
            var (b50, b99) = (r.Latencies.Percentile(SoakRun.Baseline, 50, operation), r.Latencies.Percentile(SoakRun.Baseline, 99, operation));
            var (a50, a99) = (r.Latencies.Percentile(SoakRun.Attack, 50, operation), r.Latencies.Percentile(SoakRun.Attack, 99, operation));
            latency.Add([operation ?? "all good traffic", r.Latencies.Count(SoakRun.Baseline, operation).ToString(CultureInfo.InvariantCulture), Ms(b50), Ms(b99),
                r.Latencies.Count(SoakRun.Attack, operation).ToString(CultureInfo.InvariantCulture), Ms(a50), Ms(a99), Ratio(a50, b50), Ratio(a99, b99)]);
        }

        yield return ("Good keys' latency, attack vs baseline (ms, to the last byte)",
            ["operation", "baseline n", "baseline p50", "baseline p99", "attack n", "attack p50", "attack p99", "p50 ratio", "p99 ratio"], latency);

        yield return ("Attacks", ["class", "answers", "p50 ms", "p99 ms"], Attacks.Classes.Select(c => new[]
        {
            c, r.Attacks.Log.TryGetValue(c, out var answers)
                ? string.Join(", ", answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}"))
                : "none",
            Ms(LatencyLog.Percentile(r.Attacks.Latencies.TryGetValue(c, out var times) ? times : [], 50)),
            Ms(LatencyLog.Percentile(r.Attacks.Latencies.TryGetValue(c, out var all) ? all : [], 99)),
        }).ToList());

        yield return ("Tokens charged vs served per key",
            ["key", "role", "requests", "statuses", "charged", "served", "charged - served", "usage seen", "upstream counted", "hang-up estimate (n)",
                "hang-ups finished upstream", "refusal estimate"],
            r.Keys.Ledgers.Select(k =>
            {
                var charged = r.Charged(k.Name);
                var served = k.Served(r.Mock);
                return new[]
                {
                    k.Name, k.Role, k.Requests.ToString(CultureInfo.InvariantCulture),
                    string.Join(" ", k.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}")),
                    charged.ToString(CultureInfo.InvariantCulture), served.ToString(CultureInfo.InvariantCulture), (charged - served).ToString(CultureInfo.InvariantCulture),
                    k.UsageSeen.ToString(CultureInfo.InvariantCulture), k.UpstreamCounted(r.Mock).ToString(CultureInfo.InvariantCulture),
                    $"{k.HangUpEstimate} ({k.HangUps})", $"{k.HangUpsFinishedUpstream(r.Mock)} of {k.HungUpOnMock.Count} to the mock",
                    k.RefusalEstimate.ToString(CultureInfo.InvariantCulture),
                };
            }).ToList());
    }

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ratio(double attack, double baseline) =>
        double.IsNaN(attack) || double.IsNaN(baseline) || baseline == 0 ? "-" : (attack / baseline).ToString("0.00", CultureInfo.InvariantCulture) + "x";
}
