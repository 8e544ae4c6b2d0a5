using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.FrontDoor;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.SharedState;

/// <summary>
/// Batches on replicas sharing one real redis-server: each batch runs on one replica, and a cancel made on any of them
/// stops it. The upstream holds every request until the test opens its gate, so what runs where is under control.
/// </summary>
public sealed class BatchSharedStateTests : IAsyncLifetime
{
    private const string Key = "sk-shared-batch";

    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<GatewayTestHost> _gateways = [];
    private RedisServer _redis = null!;
    private FakeUpstream _upstream = null!;
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _upstream = await FakeUpstream.StartAsync("alpha");
        _upstream.Handler = async context =>
        {
            _arrived.TrySetResult();
            await _gate.Task.WaitAsync(context.RequestAborted);
            await SemanticCacheTests.AnswerWithTheQuestionAsync(context);
        };
        _settings = new Dictionary<string, string?>
        {
            ["Gateway:Redis:ConnectionString"] = _redis.ConnectionString,
            ["Gateway:Redis:Prefix"] = $"test-{Guid.NewGuid():N}:",
            ["Gateway:Models:alpha:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["Gateway:Keys:owner:Hash"] = SemanticCacheTests.Hash(Key),
            ["Gateway:Batches:MaxConcurrentLines"] = "1",
        };
    }

    public async Task DisposeAsync()
    {
        _gate.TrySetResult();
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Restart_TwoReplicasResumeOnOneRedis_EachLineSentOnce()
    {
        var first = await StartAsync();
        var batchId = await CreateBatchAsync(first, lines: 6);
        await _arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));
        _gateways.Remove(first);
        await first.DisposeAsync();
        var sentBefore = _upstream.Requests.Count;

        // Both start on the unfinished batch; only one may run it.
        await StartAsync();
        var third = await StartAsync();
        _gate.TrySetResult();
        var batch = await WaitUntilEndedAsync(third, batchId);

        Assert.Equal(("completed", 6), (batch["status"]!.GetValue<string>(), batch["request_counts"]!["completed"]!.GetValue<int>()));
        var resent = _upstream.Requests.Skip(sentBefore).Select(r => Prompt(r.Body)).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"Line r-{i}"), resent.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Cancel_OnTheReplicaNotRunningIt_StopsTheBatch()
    {
        var running = await StartAsync();
        var other = await StartAsync();
        var batchId = await CreateBatchAsync(running, lines: 6);
        await _arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));

        using var client = other.CreateClient(Key);
        using var cancel = await client.PostAsync($"/v1/batches/{batchId}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        _gate.TrySetResult();
        var batch = await WaitUntilEndedAsync(other, batchId);

        // The line in flight at the cancel finishes; no other starts, and the record is not written back to in_progress.
        Assert.Equal(("cancelled", 1), (batch["status"]!.GetValue<string>(), batch["request_counts"]!["completed"]!.GetValue<int>()));
        Assert.Equal(["Line r-0"], _upstream.Requests.Select(r => Prompt(r.Body)));
    }

    private async Task<GatewayTestHost> StartAsync()
    {
        var gateway = await GatewayTestHost.StartAsync(_settings);
        _gateways.Add(gateway);
        return gateway;
    }

    private static async Task<string> CreateBatchAsync(GatewayTestHost gateway, int lines)
    {
        using var client = gateway.CreateClient(Key);
        var text = string.Join("\n", Enumerable.Range(0, lines).Select(i => JsonSerializer.Serialize(new
        {
            custom_id = $"r-{i}",
            method = "POST",
            url = "/v1/chat/completions",
            body = new { model = "alpha", temperature = 0, messages = new[] { new { role = "user", content = $"Line r-{i}" } } },
        }))) + "\n";
        using var form = new MultipartFormDataContent
        {
            { new StringContent("batch"), "purpose" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "file", "input.jsonl" },
        };
        using var upload = await client.PostAsync("/v1/files", form);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var fileId = JsonNode.Parse(await upload.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var create = new JsonObject { ["input_file_id"] = fileId, ["endpoint"] = "/v1/chat/completions", ["completion_window"] = "24h" };
        using var created = await client.PostAsync("/v1/batches", new StringContent(create.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    private static async Task<JsonNode> WaitUntilEndedAsync(GatewayTestHost gateway, string batchId)
    {
        using var client = gateway.CreateClient(Key);
        JsonNode? batch = null;
        await Poll.UntilAsync(async () =>
        {
            batch = JsonNode.Parse(await client.GetStringAsync($"/v1/batches/{batchId}"));
            return batch!["status"]!.GetValue<string>() is "completed" or "failed" or "cancelled" or "expired";
        }, "the batch did not end", TimeSpan.FromMinutes(2));
        return batch!;
    }

    private static string Prompt(string body) => JsonNode.Parse(body)!["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>();
}
