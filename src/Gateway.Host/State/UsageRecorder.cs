using Gateway.Host.Auth;
using Gateway.State;
using Microsoft.Extensions.Options;

namespace Gateway.Host.State;

/// <summary>Section <c>Gateway:Limits</c>.</summary>
public sealed class LimitsOptions
{
    /// <summary>
    /// How long finished requests' tokens and spend are summed per key before they are written to
    /// the limit store in one call (one Redis round trip per key and interval instead of one per
    /// request). Zero writes each request's usage at once. A key can overshoot a token or budget
    /// limit by what it spends within one interval.
    /// </summary>
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>Writes requests' usage to the limit store, summed per key over a short interval.</summary>
internal sealed class UsageRecorder : IHostedService, IAsyncDisposable
{
    private readonly ILimitStore _store;
    private readonly IOptionsMonitor<LimitsOptions> _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Dictionary<string, (KeyLimits Limits, long Tokens, decimal Spend)> _pending = new(StringComparer.Ordinal);
    private ITimer? _timer;

    public UsageRecorder(ILimitStore store, IOptionsMonitor<LimitsOptions> options, TimeProvider time)
    {
        _store = store;
        _options = options;
        _time = time;
    }

    public ValueTask AddAsync(VirtualKey key, KeyLimits limits, long tokens, decimal spend)
    {
        var interval = _options.CurrentValue.UsageFlushInterval;
        if (interval <= TimeSpan.Zero)
        {
            return _store.RecordUsageAsync(key.Name, limits, tokens, spend, CancellationToken.None);
        }

        lock (_lock)
        {
            _pending[key.Name] = _pending.TryGetValue(key.Name, out var sum)
                ? (limits, sum.Tokens + tokens, sum.Spend + spend)
                : (limits, tokens, spend);
            _timer ??= _time.CreateTimer(_ => _ = FlushAsync(), null, interval, Timeout.InfiniteTimeSpan);
        }

        return ValueTask.CompletedTask;
    }

    public async Task FlushAsync()
    {
        Dictionary<string, (KeyLimits Limits, long Tokens, decimal Spend)> batch;
        lock (_lock)
        {
            batch = _pending;
            _pending = new(StringComparer.Ordinal);
            _timer?.Dispose();
            _timer = null;
        }

        foreach (var (key, usage) in batch)
        {
            // The stores never throw for an outage; they apply their failure policy.
            await _store.RecordUsageAsync(key, usage.Limits, usage.Tokens, usage.Spend, CancellationToken.None);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => FlushAsync();

    public async ValueTask DisposeAsync() => await FlushAsync();
}
