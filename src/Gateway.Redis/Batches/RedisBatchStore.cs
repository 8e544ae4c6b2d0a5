using System.Text.Json;
using Gateway.State.Batches;
using StackExchange.Redis;

namespace Gateway.Redis.Batches;

/// <summary>
/// The Batches API's state in Redis, shared by every replica on it: <c>batch:file:&lt;id&gt;</c> (the record),
/// <c>batch:filedata:&lt;id&gt;</c> (the bytes), <c>batch:files:&lt;owner&gt;</c> (a set of ids), <c>batch:batch:&lt;id&gt;</c>,
/// <c>batch:batches</c> (every batch id) and <c>batch:results:&lt;id&gt;</c>, a list with one finished line per entry.
/// Nothing expires: files are kept until deleted, like OpenAI's.
/// </summary>
internal sealed class RedisBatchStore(RedisConnection redis) : IBatchStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task SaveFileAsync(StoredBatchFile file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var db = redis.Database;
        await db.StringSetAsync(Key("filedata:" + file.Id), content);
        await db.StringSetAsync(Key("file:" + file.Id), JsonSerializer.Serialize(file, Json));
        await db.SetAddAsync(Key("files:" + file.Owner), file.Id);
    }

    public async Task<StoredBatchFile?> GetFileAsync(string id, CancellationToken cancellationToken = default) =>
        BatchIds.IsWellFormed(id) ? Parse<StoredBatchFile>(await redis.Database.StringGetAsync(Key("file:" + id))) : null;

    public async Task<byte[]?> ReadFileContentAsync(string id, CancellationToken cancellationToken = default) =>
        BatchIds.IsWellFormed(id) ? (byte[]?)await redis.Database.StringGetAsync(Key("filedata:" + id)) : null;

    public async Task<IReadOnlyList<StoredBatchFile>> ListFilesAsync(string owner, CancellationToken cancellationToken = default)
    {
        var ids = await redis.Database.SetMembersAsync(Key("files:" + owner));
        var files = new List<StoredBatchFile>();
        foreach (var id in ids)
        {
            if (await GetFileAsync(id!, cancellationToken) is { } file)
            {
                files.Add(file);
            }
        }

        return files;
    }

    public async Task<bool> DeleteFileAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await GetFileAsync(id, cancellationToken) is not { } file)
        {
            return false;
        }

        var db = redis.Database;
        await db.KeyDeleteAsync([Key("file:" + id), Key("filedata:" + id)]);
        await db.SetRemoveAsync(Key("files:" + file.Owner), id);
        return true;
    }

    public async Task SaveBatchAsync(StoredBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await redis.Database.StringSetAsync(Key("batch:" + batch.Id), JsonSerializer.Serialize(batch, Json));
        await redis.Database.SetAddAsync(Key("batches"), batch.Id);
    }

    public async Task<StoredBatch?> GetBatchAsync(string id, CancellationToken cancellationToken = default) =>
        BatchIds.IsWellFormed(id) ? Parse<StoredBatch>(await redis.Database.StringGetAsync(Key("batch:" + id))) : null;

    public async Task<IReadOnlyList<StoredBatch>> ListBatchesAsync(string? owner, CancellationToken cancellationToken = default)
    {
        var batches = new List<StoredBatch>();
        foreach (var id in await redis.Database.SetMembersAsync(Key("batches")))
        {
            if (await GetBatchAsync(id!, cancellationToken) is { } batch && (owner is null || batch.Owner == owner))
            {
                batches.Add(batch);
            }
        }

        return batches;
    }

    public Task AppendResultAsync(string batchId, BatchLineResult result, CancellationToken cancellationToken = default) =>
        redis.Database.ListRightPushAsync(Key("results:" + batchId), JsonSerializer.Serialize(result, Json));

    public async Task<IReadOnlyList<BatchLineResult>> ReadResultsAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var values = await redis.Database.ListRangeAsync(Key("results:" + batchId));
        return values.Select(v => Parse<BatchLineResult>(v)).OfType<BatchLineResult>().ToList();
    }

    public Task DeleteResultsAsync(string batchId, CancellationToken cancellationToken = default) =>
        redis.Database.KeyDeleteAsync(Key("results:" + batchId));

    private RedisKey Key(string suffix) => redis.Key("batch:" + suffix);

    private static T? Parse<T>(RedisValue value) where T : class =>
        value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<T>((string)value!, Json);
}
