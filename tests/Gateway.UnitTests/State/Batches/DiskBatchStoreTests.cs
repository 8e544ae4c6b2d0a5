using Gateway.State.Batches;

namespace Gateway.UnitTests.State.Batches;

public sealed class DiskBatchStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("disk-batch-store-").FullName;

    [Fact]
    public async Task ReadResults_TruncatedLastLine_IsIgnored()
    {
        var store = new DiskBatchStore(_directory);
        await store.AppendResultAsync("batch_1", new BatchLineResult(1, true, "{}"));
        await File.AppendAllTextAsync(Path.Combine(_directory, "batches", "batch_1.results.jsonl"), "{\"line\":2,\"succ");

        var results = await new DiskBatchStore(_directory).ReadResultsAsync("batch_1");

        Assert.Equal(1, Assert.Single(results).Line);
    }

    [Fact]
    public async Task GetFile_PathLikeId_IsUnknownWithoutTouchingTheDisk()
    {
        var store = new DiskBatchStore(_directory);

        Assert.Null(await store.GetFileAsync("../batches/x"));
        Assert.Null(await store.ReadFileContentAsync("..%2Fx"));
    }

    [Fact]
    public async Task SaveBatch_NewStoreOnTheDirectory_ListsIt()
    {
        var batch = new StoredBatch { Id = "batch_a", Owner = "k1", OwnerKeyHash = new string('0', 64), Endpoint = "/v1/chat/completions", InputFileId = "file-a", Status = BatchStatuses.InProgress, Completed = 3 };
        await new DiskBatchStore(_directory).SaveBatchAsync(batch);

        var listed = await new DiskBatchStore(_directory).ListBatchesAsync(null);

        Assert.Equal(batch, Assert.Single(listed) with { Metadata = null, Errors = null });
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
