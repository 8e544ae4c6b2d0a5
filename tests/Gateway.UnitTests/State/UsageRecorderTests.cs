using Gateway.Host.Auth;
using Gateway.Host.State;
using Gateway.State;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.State;

public sealed class UsageRecorderTests
{
    private static readonly KeyLimits Limits = new(TokensPerMinute: 1000, BudgetUsd: 1m);
    private static readonly VirtualKey Key = new("team", null, false, Limits);

    [Fact]
    public async Task AddAsync_WithinOneInterval_WritesOneSumPerKeyWhenTheIntervalEnds()
    {
        var store = new RecordingLimitStore();
        var time = new FakeTimeProvider();
        var recorder = new UsageRecorder(store, Options(TimeSpan.FromMilliseconds(50)), time);

        await recorder.AddAsync(Key, Limits, 10, 0.1m);
        await recorder.AddAsync(Key, Limits, 5, 0.05m);
        Assert.Empty(store.Recorded);

        time.Advance(TimeSpan.FromMilliseconds(60));
        await WaitForAsync(() => store.Recorded.Count == 1);

        Assert.Equal(("team", 15L, 0.15m), store.Recorded.Single());
    }

    [Fact]
    public async Task AddAsync_ZeroInterval_WritesEachRequestAtOnce()
    {
        var store = new RecordingLimitStore();
        var recorder = new UsageRecorder(store, Options(TimeSpan.Zero), new FakeTimeProvider());

        await recorder.AddAsync(Key, Limits, 10, 0.1m);
        await recorder.AddAsync(Key, Limits, 5, 0.05m);

        Assert.Equal(2, store.Recorded.Count);
    }

    [Fact]
    public async Task StopAsync_PendingUsage_IsWritten()
    {
        var store = new RecordingLimitStore();
        var recorder = new UsageRecorder(store, Options(TimeSpan.FromHours(1)), new FakeTimeProvider());
        await recorder.AddAsync(Key, Limits, 7, 0m);

        await recorder.StopAsync(CancellationToken.None);

        Assert.Equal(("team", 7L, 0m), store.Recorded.Single());
    }

    private static IOptionsMonitor<LimitsOptions> Options(TimeSpan interval) =>
        new StaticOptionsMonitor(new LimitsOptions { UsageFlushInterval = interval });

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    private sealed class StaticOptionsMonitor(LimitsOptions value) : IOptionsMonitor<LimitsOptions>
    {
        public LimitsOptions CurrentValue => value;

        public LimitsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<LimitsOptions, string?> listener) => null;
    }

    private sealed class RecordingLimitStore : ILimitStore
    {
        public List<(string Key, long Tokens, decimal Spend)> Recorded { get; } = [];

        public ValueTask<LimitDecision> AcquireAsync(string key, KeyLimits limits, CancellationToken cancellationToken) =>
            ValueTask.FromResult(LimitDecision.Unlimited);

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
