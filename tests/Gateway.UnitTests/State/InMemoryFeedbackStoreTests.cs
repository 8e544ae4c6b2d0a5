using Gateway.State;
using Gateway.State.Feedback;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.State;

public sealed class InMemoryFeedbackStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AddFeedbackAsync_RecordedRequest_IsExportedWithItsScore()
    {
        var store = Create();
        var record = Record("r1");
        await store.RecordRequestAsync(record, TimeSpan.FromHours(1), default);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.True(await store.AddFeedbackAsync("r1", 0.75, null, default));

        var outcome = Assert.Single(await store.ExportAsync(default).ToListAsync());
        Assert.Equal(new FeedbackOutcome(record, 0.75, _time.GetUtcNow()), outcome);
    }

    [Fact]
    public async Task AddFeedbackAsync_UnknownRequest_ReturnsFalse()
    {
        var store = Create();

        Assert.False(await store.AddFeedbackAsync("nope", 1, null, default));
        Assert.Empty(await store.ExportAsync(default).ToListAsync());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public async Task AddFeedbackAsync_ScoreOutsideZeroToOne_Throws(double score)
    {
        var store = Create();
        await store.RecordRequestAsync(Record("r1"), TimeSpan.FromHours(1), default);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.AddFeedbackAsync("r1", score, null, default));
    }

    [Fact]
    public async Task AddFeedbackAsync_AfterTimeToLive_ReturnsFalse()
    {
        var store = Create();
        await store.RecordRequestAsync(Record("r1"), TimeSpan.FromMinutes(10), default);

        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.False(await store.AddFeedbackAsync("r1", 1, null, default));
    }

    [Fact]
    public async Task RecordRequestAsync_PastMaxRequests_DropsTheOldest()
    {
        var store = Create(maxRequests: 2);
        foreach (var id in (string[])["r1", "r2", "r3"])
        {
            await store.RecordRequestAsync(Record(id), TimeSpan.FromHours(1), default);
        }

        Assert.False(await store.AddFeedbackAsync("r1", 1, null, default));
        Assert.True(await store.AddFeedbackAsync("r2", 1, null, default));
        Assert.True(await store.AddFeedbackAsync("r3", 1, null, default));
    }

    [Fact]
    public async Task AddFeedbackAsync_PastMaxOutcomes_KeepsTheNewest()
    {
        var store = Create(maxOutcomes: 2);
        await store.RecordRequestAsync(Record("r1"), TimeSpan.FromHours(1), default);

        foreach (var score in (double[])[0.1, 0.2, 0.3])
        {
            await store.AddFeedbackAsync("r1", score, null, default);
        }

        Assert.Equal([0.2, 0.3], (await store.ExportAsync(default).ToListAsync()).Select(o => o.Score));
    }

    private InMemoryFeedbackStore Create(int maxRequests = 100, int maxOutcomes = 100) =>
        new(Options.Create(new StateOptions { FeedbackMaxRequests = maxRequests, FeedbackMaxOutcomes = maxOutcomes }), _time);

    private RequestRecord Record(string id) => new(id, "prompt-sha", null, "small-model", 12, 34, _time.GetUtcNow());
}
