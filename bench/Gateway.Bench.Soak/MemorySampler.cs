using System.Collections.Concurrent;
using System.Text.Json;

namespace Gateway.Bench.Soak;

/// <summary>
/// Samples the resident memory of the gateway process and of its ModelServer child (found through
/// <c>/admin/models</c>) every quarter second, keeping the largest of each per phase.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly int _gateway;
    private readonly HttpClient _admin;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MemorySampler(int gatewayProcessId, HttpClient admin)
    {
        _gateway = gatewayProcessId;
        _admin = admin;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The phase samples count towards; null between phases.</summary>
    public string? Phase { get; set; }

    /// <summary>(phase, "gateway" or "modelserver") → largest VmRSS seen, in bytes.</summary>
    public ConcurrentDictionary<(string Phase, string Process), long> Peaks { get; } = new();

    /// <summary>The gateway's VmHWM (its peak resident memory over its whole life) at the last sample.</summary>
    public long GatewayHighWaterMark { get; private set; }

    private async Task LoopAsync()
    {
        var modelServer = 0;
        var lastLookup = DateTime.MinValue;
        while (!_stop.IsCancellationRequested)
        {
            if (DateTime.UtcNow - lastLookup > TimeSpan.FromSeconds(2))
            {
                lastLookup = DateTime.UtcNow;
                modelServer = await ModelServerAsync() ?? modelServer;
            }

            var (resident, peak) = GatewayProcess.Memory(_gateway);
            GatewayHighWaterMark = Math.Max(GatewayHighWaterMark, peak);
            if (Phase is { } phase)
            {
                Peaks.AddOrUpdate((phase, "gateway"), resident, (_, max) => Math.Max(max, resident));
                if (modelServer != 0)
                {
                    var child = GatewayProcess.Memory(modelServer).Resident;
                    Peaks.AddOrUpdate((phase, "modelserver"), child, (_, max) => Math.Max(max, child));
                }
            }

            try
            {
                await Task.Delay(250, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The local model's ModelServer process id, as the pool reports it.</summary>
    private async Task<int?> ModelServerAsync()
    {
        try
        {
            using var document = JsonDocument.Parse(await _admin.GetStringAsync("/admin/models", _stop.Token));
            return document.RootElement.EnumerateArray().Where(m => m.GetProperty("name").GetString() == Bodies.Local)
                .Select(m => m.GetProperty("processId").ValueKind == JsonValueKind.Number ? m.GetProperty("processId").GetInt32() : (int?)null).FirstOrDefault();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
