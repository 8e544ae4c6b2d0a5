using Gateway.State;
using Gateway.TestUtilities;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.State;

public sealed class RedisFeedbackStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly FakeTimeProvider _time = new(TimerAwareTimeProvider.DefaultStart);
    private readonly string _prefix = RedisReplica.UniquePrefix();
    private readonly List<RedisReplica> _replicas = [];

    [Fact]
    public async Task AddFeedbackAsync_RequestRecordedByAnotherReplica_IsExported()
    {
        var (a, b) = (Replica(), Replica());
        var record = new RequestRecord("req-1", "sha-of-prompt", "hello", "small", 12, 34, DateTimeOffset.FromUnixTimeMilliseconds(1_770_000_000_123));
        await a.Feedback.RecordRequestAsync(record, TimeSpan.FromHours(1), default);

        Assert.True(await b.Feedback.AddFeedbackAsync("req-1", 0.8, null, default));
        Assert.True(await b.Feedback.AddFeedbackAsync("req-1", 0.25, null, default));

        var outcomes = await a.Feedback.ExportAsync(default).ToListAsync();
        Assert.Equal([0.8, 0.25], outcomes.Select(o => o.Score));
        Assert.All(outcomes, o => Assert.Equal(record, o.Request));
        Assert.All(outcomes, o => Assert.Equal(_time.GetUtcNow(), o.ScoredAt));
    }

    [Fact]
    public async Task AddFeedbackAsync_UnknownOrExpiredRequest_ReturnsFalse()
    {
        var replica = Replica();
        await replica.Feedback.RecordRequestAsync(Record("long"), TimeSpan.FromHours(1), default);
        await replica.Feedback.RecordRequestAsync(Record("short"), TimeSpan.FromMilliseconds(100), default);
        var ttl = await replica.Connection.Database.KeyTimeToLiveAsync(_prefix + "feedback:request:long");
        // Redis expires the record on its own clock; the short record's TTL is not read, it may already be gone.
        await Poll.UntilAsync(async () => !await replica.Connection.Database.KeyExistsAsync(_prefix + "feedback:request:short"), "Redis never expired the record");

        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));

        Assert.False(await replica.Feedback.AddFeedbackAsync("short", 1, null, default));
        Assert.False(await replica.Feedback.AddFeedbackAsync("never", 1, null, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await replica.Feedback.AddFeedbackAsync("never", double.PositiveInfinity, null, default));
        Assert.Empty(await replica.Feedback.ExportAsync(default).ToListAsync());
    }

    [Fact]
    public async Task ExportAsync_PastMaxOutcomesAndOverSeveralPages_KeepsTheNewest()
    {
        var replica = Replica(new StateOptions { FeedbackMaxOutcomes = 600 });
        await replica.Feedback.RecordRequestAsync(Record("req"), TimeSpan.FromHours(1), default);
        for (var i = 0; i < 700; i++)
        {
            await replica.Feedback.AddFeedbackAsync("req", i / 1000.0, null, default);
        }

        var scores = (await replica.Feedback.ExportAsync(default).ToListAsync()).Select(o => o.Score).ToList();

        Assert.Equal(600, scores.Count);
        Assert.Equal(0.1, scores[0]);
        Assert.Equal(0.699, scores[^1]);
    }

    public void Dispose() => _replicas.ForEach(r => r.Dispose());

    private static RequestRecord Record(string id) => new(id, "sha", null, "small", 1, 2, DateTimeOffset.UnixEpoch);

    private RedisReplica Replica(StateOptions? bounds = null)
    {
        var replica = new RedisReplica(redis.Server.ConnectionString, _prefix, _time, bounds: bounds);
        _replicas.Add(replica);
        return replica;
    }
}
