using Gateway.Redis.Batches;
using Gateway.State.Batches;

namespace Gateway.IntegrationTests.State;

/// <summary>The Batches API's Redis store on a real redis-server, each store on its own connection as replicas are.</summary>
public sealed class RedisBatchStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly string _prefix = RedisReplica.UniquePrefix();
    private readonly List<RedisReplica> _replicas = [];

    [Fact]
    public async Task SaveBatch_AnotherReplica_ReadsItWholeAndListsItForItsOwnerOnly()
    {
        var (a, b) = (Store(), Store());
        var batch = new StoredBatch
        {
            Id = BatchIds.NewBatch(),
            Owner = "k1",
            OwnerKeyHash = new string('0', 64),
            Endpoint = "/v1/chat/completions",
            InputFileId = BatchIds.NewFile(),
            Status = BatchStatuses.InProgress,
            Total = 5,
            Completed = 3,
            Failed = 1,
            Metadata = new Dictionary<string, string> { ["job"] = "nightly" },
        };

        await a.SaveBatchAsync(batch);
        await a.SaveBatchAsync(batch with { Id = BatchIds.NewBatch(), Owner = "k2" });
        var read = await b.GetBatchAsync(batch.Id);

        Assert.NotNull(read);
        Assert.Equal(batch with { Metadata = null }, read with { Metadata = null });
        Assert.Equal("nightly", read.Metadata!["job"]);
        Assert.Equal(batch.Id, Assert.Single(await b.ListBatchesAsync("k1")).Id);
        Assert.Equal(2, (await b.ListBatchesAsync(null)).Count);
    }

    [Fact]
    public async Task SaveFile_AnotherReplica_ReadsItsBytesListsItPerOwnerAndForgetsItOnDelete()
    {
        var (a, b) = (Store(), Store());
        var file = new StoredBatchFile(BatchIds.NewFile(), "k1", "input.jsonl", "batch", 3, 1_700_000_000);

        await a.SaveFileAsync(file, "{}\n"u8.ToArray());

        Assert.Equal(file, await b.GetFileAsync(file.Id));
        Assert.Equal("{}\n"u8.ToArray(), await b.ReadFileContentAsync(file.Id));
        Assert.Equal(file, Assert.Single(await b.ListFilesAsync("k1")));
        Assert.Empty(await b.ListFilesAsync("k2"));

        Assert.True(await b.DeleteFileAsync(file.Id));
        Assert.Null(await a.GetFileAsync(file.Id));
        Assert.Null(await a.ReadFileContentAsync(file.Id));
        Assert.Empty(await a.ListFilesAsync("k1"));
        Assert.False(await a.DeleteFileAsync(file.Id));
    }

    [Fact]
    public async Task AppendResult_TwoReplicas_ReadInAppendOrderUntilDeleted()
    {
        var (a, b) = (Store(), Store());
        var id = BatchIds.NewBatch();

        await a.AppendResultAsync(id, new BatchLineResult(2, true, "{\"a\":1}"));
        await b.AppendResultAsync(id, new BatchLineResult(0, false, "{\"b\":2}"));
        var results = await a.ReadResultsAsync(id);

        Assert.Equal([new BatchLineResult(2, true, "{\"a\":1}"), new BatchLineResult(0, false, "{\"b\":2}")], results);
        await b.DeleteResultsAsync(id);
        Assert.Empty(await a.ReadResultsAsync(id));
    }

    [Theory]
    [InlineData("../batch:x")]
    [InlineData("file-1 2")]
    [InlineData("")]
    public async Task Get_IdThatCannotBeOurs_IsUnknown(string id)
    {
        var store = Store();

        Assert.Null(await store.GetFileAsync(id));
        Assert.Null(await store.ReadFileContentAsync(id));
        Assert.Null(await store.GetBatchAsync(id));
    }

    [Fact]
    public async Task TryClaim_HeldByOneReplica_RefusedToTheOtherUntilReleased()
    {
        var (a, b) = (Store(), Store());
        var id = BatchIds.NewBatch();
        var lease = TimeSpan.FromMinutes(5);

        Assert.True(await a.TryClaimAsync(id, "runner-a", lease));
        Assert.False(await b.TryClaimAsync(id, "runner-b", lease));
        Assert.True(await a.TryClaimAsync(id, "runner-a", lease));
        await b.ReleaseClaimAsync(id, "runner-b");
        Assert.False(await b.TryClaimAsync(id, "runner-b", lease));
        await a.ReleaseClaimAsync(id, "runner-a");
        Assert.True(await b.TryClaimAsync(id, "runner-b", lease));
        Assert.True(a.IsShared);
    }

    [Fact]
    public async Task RequestCancel_OnOneReplica_SeenByTheOther()
    {
        var (a, b) = (Store(), Store());
        var id = BatchIds.NewBatch();

        Assert.False(await b.IsCancelRequestedAsync(id));
        await a.RequestCancelAsync(id, TimeSpan.FromHours(1));

        Assert.True(await b.IsCancelRequestedAsync(id));
        Assert.False(await b.IsCancelRequestedAsync(BatchIds.NewBatch()));
    }

    public void Dispose() => _replicas.ForEach(r => r.Dispose());

    private RedisBatchStore Store()
    {
        var replica = new RedisReplica(redis.Server.ConnectionString, _prefix);
        _replicas.Add(replica);
        return new RedisBatchStore(replica.Connection);
    }
}
