using Gateway.State;
using Microsoft.Extensions.Options;

namespace Gateway.Host.State;

/// <summary>
/// Writes requests' settlements and plain usage charges to the limit store, summed per key and
/// reservation window over a short interval. Settling is linear within a window (the store applies
/// Σ actual − Σ reserved when the window is current, Σ actual when it rolled over), so one summed
/// settlement has the effect of its parts. Each batch is taken out under the lock before it is
/// written, so every settlement is written exactly once whichever flush (timer, shutdown) runs it.
/// </summary>
internal sealed partial class UsageRecorder : IHostedService, IAsyncDisposable
{
    private readonly ILimitStore _store;
    private readonly IOptionsMonitor<LimitsOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<UsageRecorder> _logger;
    private readonly Lock _lock = new();
    private Dictionary<Batch, Sum> _pending = [];
    private ITimer? _timer;

    public UsageRecorder(ILimitStore store, IOptionsMonitor<LimitsOptions> options, TimeProvider time, ILogger<UsageRecorder> logger)
    {
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Charges a request's use to <paramref name="key"/>'s current windows (no reservation).</summary>
    public ValueTask AddAsync(string key, KeyLimits limits, long tokens, decimal spend) =>
        Enqueue(new Batch(key, null), new Sum(limits, 0, 0m, tokens, spend));

    /// <summary>Settles <paramref name="reservation"/> to the request's real use.</summary>
    public ValueTask SettleAsync(string key, KeyLimits limits, LimitReservation reservation, long tokens, decimal spend) =>
        Enqueue(new Batch(key, reservation with { Tokens = 0, SpendUsd = 0m }), new Sum(limits, reservation.Tokens, reservation.SpendUsd, tokens, spend));

    public async Task FlushAsync()
    {
        Dictionary<Batch, Sum> batch;
        lock (_lock)
        {
            batch = _pending;
            _pending = [];
            _timer?.Dispose();
            _timer = null;
        }

        foreach (var (target, sum) in batch)
        {
            try
            {
                await WriteAsync(target, sum);
            }
            catch (Exception ex)
            {
                // The stores apply their failure policy to outages; anything else is a bug, and must
                // not cost the other keys' settlements.
                WriteFailed(_logger, target.Key, ex);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => FlushAsync();

    public async ValueTask DisposeAsync() => await FlushAsync();

    private ValueTask Enqueue(Batch target, Sum sum)
    {
        var interval = _options.CurrentValue.UsageFlushInterval;
        if (interval <= TimeSpan.Zero)
        {
            return WriteAsync(target, sum);
        }

        lock (_lock)
        {
            _pending[target] = _pending.TryGetValue(target, out var pending) ? pending.Plus(sum) : sum;
            _timer ??= _time.CreateTimer(_ => _ = FlushAsync(), null, interval, Timeout.InfiniteTimeSpan);
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask WriteAsync(Batch target, Sum sum) => target.Window is { } window
        ? _store.SettleAsync(target.Key, sum.Limits, window with { Tokens = sum.ReservedTokens, SpendUsd = sum.ReservedSpend }, sum.Tokens, sum.Spend, CancellationToken.None)
        : _store.RecordUsageAsync(target.Key, sum.Limits, sum.Tokens, sum.Spend, CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing usage of limit key {Key} failed; it is not counted.")]
    private static partial void WriteFailed(ILogger logger, string key, Exception exception);

    /// <summary>Where a sum goes: a key, and the reservation windows (a reservation with nothing reserved) or none for plain charges.</summary>
    private readonly record struct Batch(string Key, LimitReservation? Window);

    private readonly record struct Sum(KeyLimits Limits, long ReservedTokens, decimal ReservedSpend, long Tokens, decimal Spend)
    {
        // The latest limits win: they are the ones the store should count under now.
        public Sum Plus(Sum next) => new(next.Limits, ReservedTokens + next.ReservedTokens, ReservedSpend + next.ReservedSpend, Tokens + next.Tokens, Spend + next.Spend);
    }
}
