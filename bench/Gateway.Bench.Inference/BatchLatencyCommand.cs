using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Inference.Gguf;

namespace Gateway.Bench.Inference;

/// <summary>
/// <c>batch-latency</c>: interactive chat latency through a real gateway, idle and while a batch runs on the same local
/// model, printed as p50s and their ratio (the Batches API's promise: within 20 % of idle).
/// </summary>
internal static class BatchLatencyCommand
{
    public static Command Create()
    {
        var gateway = new Option<FileInfo>("--gateway") { Description = "A built Gateway.Host.dll.", Required = true };
        var requests = new Option<int>("--requests") { Description = "Interactive requests per phase.", DefaultValueFactory = _ => 40 };
        var tokens = new Option<int>("--tokens") { Description = "Tokens per interactive request.", DefaultValueFactory = _ => 32 };
        var lines = new Option<int>("--lines") { Description = "Lines in the batch (each 512 tokens).", DefaultValueFactory = _ => 400 };
        var command = new Command("batch-latency", "Interactive p50 latency idle and during a running batch, on the synthetic model.")
        {
            gateway, requests, tokens, lines,
        };
        command.SetAction((parse, cancellation) => RunAsync(parse.GetValue(gateway)!, parse.GetValue(requests), parse.GetValue(tokens), parse.GetValue(lines), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo dll, int requests, int tokens, int lines, CancellationToken cancellation)
    {
        var directory = Directory.CreateTempSubdirectory("bench-batch-latency-").FullName;
        var model = Path.Combine(directory, "tiny.gguf");
        TinyModel.Write(model);
        var environment = new Dictionary<string, string>
        {
            ["Gateway__ConfigDirectory"] = directory,
            ["Gateway__AllowDevelopmentKey"] = "true",
            ["Gateway__Models__bench__Provider"] = "local",
            ["Gateway__Models__bench__Path"] = model,
            ["Gateway__Models__bench__ParallelSequences"] = "4",
            ["Gateway__Models__bench__ContextSize"] = "8192",
            ["Gateway__Batches__Directory"] = Path.Combine(directory, "batches"),
            ["Gateway__Batches__MaxConcurrentLines"] = "2",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var process = await GatewayProcess.StartAsync(dll, directory, environment, cancellation);
        using var http = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayApiKeys.Development);

        await MeasureAsync(http, 3, tokens, cancellation); // warm: starts the ModelServer
        var idle = await MeasureAsync(http, requests, tokens, cancellation);

        var jsonl = new StringBuilder();
        for (var i = 0; i < lines; i++)
        {
            jsonl.Append(JsonSerializer.Serialize(new { custom_id = $"l{i}", method = "POST", url = "/v1/chat/completions", body = Body($"Batch line {i}", 512) })).Append('\n');
        }

        using var form = new MultipartFormDataContent { { new StringContent(jsonl.ToString()), "file", "lines.jsonl" }, { new StringContent("batch"), "purpose" } };
        using var upload = await http.PostAsync("/v1/files", form, cancellation);
        var fileId = (await upload.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("id").GetString();
        using var create = await http.PostAsJsonAsync("/v1/batches", new { input_file_id = fileId, endpoint = "/v1/chat/completions", completion_window = "24h" }, cancellation);
        var batchId = (await create.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("id").GetString();
        while ((await BatchAsync(http, batchId!, cancellation)).GetProperty("status").GetString() != "in_progress")
        {
            await Task.Delay(50, cancellation);
        }

        var during = await MeasureAsync(http, requests, tokens, cancellation);
        var after = await BatchAsync(http, batchId!, cancellation);
        await http.PostAsync($"/v1/batches/{batchId}/cancel", null, cancellation);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"interactive p50 idle:         {idle:0.0} ms ({requests} requests, {tokens} tokens each)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"interactive p50 during batch: {during:0.0} ms (batch {after.GetProperty("status").GetString()}, {after.GetProperty("request_counts").GetProperty("completed").GetInt32()} lines done while measured)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio during/idle:            {during / idle:0.000} (target <= 1.20)"));
        return 0;
    }

    private static object Body(string prompt, int maxTokens) => new
    {
        model = "bench",
        messages = new[] { new { role = "user", content = prompt } },
        max_tokens = maxTokens,
        logit_bias = new Dictionary<string, int> { ["2"] = -100, ["4"] = -100 },
    };

    private static async Task<JsonElement> BatchAsync(HttpClient http, string id, CancellationToken cancellation) =>
        await http.GetFromJsonAsync<JsonElement>($"/v1/batches/{id}", cancellation);

    /// <summary>The median of <paramref name="count"/> sequential requests' wall time, in milliseconds.</summary>
    private static async Task<double> MeasureAsync(HttpClient http, int count, int tokens, CancellationToken cancellation)
    {
        var times = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync("/v1/chat/completions", Body($"Interactive {i}", tokens), cancellation);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync(cancellation);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
