using Gateway.Host.State;
using Gateway.State;
using Gateway.State.Limits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.State;

public sealed class UsageRecorderTests
{
    private static readonly KeyLimits Limits = new(TokensPerMinute: 1000, BudgetUsd: 1m);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    // 10:00:15 UTC: the flush interval never crosses a minute here.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 15, TimeSpan.Zero));

    [Fact]
    public async Task AddAsync_WithinOneInterval_WritesOneSumPerKeyWhenTheIntervalEnds()
    {
        var store = new RecordingLimitStore();
        var recorder = Recorder(store, Interval);

        await recorder.AddAsync("team", Limits, 10, 0.1m);
        await recorder.AddAsync("team", Limits, 5, 0.05m);
        Assert.Empty(store.Recorded);

        // The fake clock runs the timer, and the recording store completes at once.
        _time.Advance(TimeSpan.FromMilliseconds(60));

        Assert.Equal(("team", 15L, 0.15m), store.Recorded.Single());
    }

    [Fact]
    public async Task AddAsync_ZeroInterval_WritesEachRequestAtOnce()
    {
        var store = new RecordingLimitStore();
        var recorder = Recorder(store, TimeSpan.Zero);

        await recorder.AddAsync("team", Limits, 10, 0.1m);
        await recorder.AddAsync("team", Limits, 5, 0.05m);

        Assert.Equal(2, store.Recorded.Count);
    }

    [Fact]
    public async Task StopAsync_PendingUsage_IsWritten()
    {
        var store = new RecordingLimitStore();
        var recorder = Recorder(store, TimeSpan.FromHours(1));
        await recorder.AddAsync("team", Limits, 7, 0m);
        await recorder.SettleAsync("team", Limits, Reservation(minute: 5, tokens: 300), 40, 0m);

        await recorder.StopAsync(CancellationToken.None);

        Assert.Equal(("team", 7L, 0m), store.Recorded.Single());
        Assert.Equal(("team", Reservation(minute: 5, tokens: 300), 40L, 0m), store.Settled.Single());
    }

    [Fact]
    public async Task SettleAsync_WithinOneInterval_WritesOneSumPerKeyAndWindow()
    {
        var store = new RecordingLimitStore();
        var recorder = Recorder(store, Interval);

        await recorder.SettleAsync("team", Limits, Reservation(minute: 5, tokens: 300, spend: 0.3m), 100, 0.1m);
        await recorder.SettleAsync("team", Limits, Reservation(minute: 5, tokens: 300, spend: 0.3m), 50, 0.05m);
        await recorder.SettleAsync("team", Limits, Reservation(minute: 6, tokens: 300), 0, 0m);
        await recorder.SettleAsync("other", Limits, Reservation(minute: 5, tokens: 300), 10, 0m);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(
            [
                ("other", Reservation(minute: 5, tokens: 300), 10L, 0m),
                ("team", Reservation(minute: 5, tokens: 600, spend: 0.6m), 150L, 0.15m),
                ("team", Reservation(minute: 6, tokens: 300), 0L, 0m),
            ],
            store.Settled.OrderBy(s => s.Key, StringComparer.Ordinal).ThenBy(s => s.Reservation.Minute));
    }

    [Fact]
    public async Task SettleAsync_BatchedOnARealStore_AppliesEachSettlementOnce()
    {
        var store = new InMemoryLimitStore(_time);
        var recorder = Recorder(store, Interval);
        var limits = new KeyLimits(TokensPerMinute: 1000);
        var admitted = new List<LimitReservation>();
        for (var i = 0; i < 4; i++)
        {
            admitted.Add((await store.AcquireAsync("team", limits, new LimitCharge(300, 0m), default)).Reservation!);
        }

        foreach (var reservation in admitted)
        {
            await recorder.SettleAsync("team", limits, reservation, 100, 0m);
        }

        var beforeFlush = (await store.PeekAsync("team", limits, default))[0].Remaining;
        _time.Advance(TimeSpan.FromMilliseconds(60));
        var afterFlush = (await store.PeekAsync("team", limits, default))[0].Remaining;
        await recorder.StopAsync(CancellationToken.None);

        // 4 x 300 reserved held until the flush; then 4 x 100 used. Lost: 0 left; applied twice: clamped to 1000.
        Assert.Equal(0, beforeFlush);
        Assert.Equal(1000 - (4 * 100), afterFlush);
        Assert.Equal(afterFlush, (await store.PeekAsync("team", limits, default))[0].Remaining);
    }

    [Fact]
    public async Task FlushAsync_SettlementArrivingWhileAFlushWrites_IsWrittenOnceByTheNextFlush()
    {
        var store = new RecordingLimitStore { Gate = new TaskCompletionSource() };
        var recorder = Recorder(store, Interval);
        await recorder.SettleAsync("team", Limits, Reservation(minute: 5, tokens: 300), 1, 0m);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Single(store.Settled);

        await recorder.SettleAsync("team", Limits, Reservation(minute: 5, tokens: 300), 2, 0m);
        await recorder.StopAsync(CancellationToken.None);
        store.Gate.SetResult();
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal([1L, 2L], store.Settled.Select(s => s.Tokens).Order());
    }

    private UsageRecorder Recorder(ILimitStore store, TimeSpan interval) =>
        new(store, new StaticOptionsMonitor(new LimitsOptions { UsageFlushInterval = interval }), _time, NullLogger<UsageRecorder>.Instance);

    private static LimitReservation Reservation(long minute, long tokens, decimal spend = 0m) => new(minute, 0, TimeSpan.FromDays(1), tokens, spend);

    private sealed class StaticOptionsMonitor(LimitsOptions value) : IOptionsMonitor<LimitsOptions>
    {
        public LimitsOptions CurrentValue => value;

        public LimitsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<LimitsOptions, string?> listener) => null;
    }

    private sealed class RecordingLimitStore : ILimitStore
    {
        public List<(string Key, long Tokens, decimal Spend)> Recorded { get; } = [];

        public List<(string Key, LimitReservation Reservation, long Tokens, decimal Spend)> Settled { get; } = [];

        /// <summary>When set, the first settlement waits for it (a write still in flight).</summary>
        public TaskCompletionSource? Gate { get; init; }

        public ValueTask<LimitDecision> AcquireAsync(string key, KeyLimits limits, LimitCharge reserve, CancellationToken cancellationToken) =>
            ValueTask.FromResult(LimitDecision.Unlimited);

        public ValueTask SettleAsync(string key, KeyLimits limits, LimitReservation reservation, long tokens, decimal spendUsd, CancellationToken cancellationToken)
        {
            lock (Settled)
            {
                Settled.Add((key, reservation, tokens, spendUsd));
                return Settled.Count == 1 && Gate is not null ? new ValueTask(Gate.Task) : ValueTask.CompletedTask;
            }
        }

        public ValueTask RecordUsageAsync(string key, KeyLimits limits, long tokens, decimal spendUsd, CancellationToken cancellationToken)
        {
            lock (Recorded)
            {
                Recorded.Add((key, tokens, spendUsd));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<IReadOnlyList<LimitState>> PeekAsync(string key, KeyLimits limits, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<LimitState>>([]);
    }
}
