using System.Text.Json;
using Gateway.State.Batches;
using StackExchange.Redis;

namespace Gateway.Redis.Batches;

/// <summary>
/// The Batches API's state in Redis, shared by every replica on it: <c>batch:file:&lt;id&gt;</c> (the record),
/// <c>batch:filedata:&lt;id&gt;</c> (the bytes), <c>batch:files:&lt;owner&gt;</c> (a set of ids), <c>batch:batch:&lt;id&gt;</c>,
/// <c>batch:batches</c> (every batch id) and <c>batch:results:&lt;id&gt;</c>, a list with one finished line per entry.
/// Nothing of these expires: files are kept until deleted, like OpenAI's. <c>batch:claim:&lt;id&gt;</c> names the replica
/// running a batch and lapses unless it is extended; <c>batch:cancel:&lt;id&gt;</c> marks a cancel for that replica to see.
/// </summary>
internal sealed class RedisBatchStore(RedisConnection redis) : IBatchStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Take the claim when free, extend it when this runner holds it; 1 when the runner holds it afterwards.
    private const string ClaimScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder == false then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        if holder == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

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

    public bool IsShared => true;

    public async Task<bool> TryClaimAsync(string batchId, string runner, TimeSpan lease, CancellationToken cancellationToken = default) =>
        (long)await redis.Database.ScriptEvaluateAsync(ClaimScript, [Key("claim:" + batchId)], [runner, (long)lease.TotalMilliseconds]) == 1;

    public Task ReleaseClaimAsync(string batchId, string runner, CancellationToken cancellationToken = default) =>
        redis.Database.ScriptEvaluateAsync(ReleaseScript, [Key("claim:" + batchId)], [runner]);

    public Task RequestCancelAsync(string batchId, TimeSpan keep, CancellationToken cancellationToken = default) =>
        redis.Database.StringSetAsync(Key("cancel:" + batchId), 1, keep);

    public Task<bool> IsCancelRequestedAsync(string batchId, CancellationToken cancellationToken = default) =>
        redis.Database.KeyExistsAsync(Key("cancel:" + batchId));

    private RedisKey Key(string suffix) => redis.Key("batch:" + suffix);

    private static T? Parse<T>(RedisValue value) where T : class =>
        value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<T>((string)value!, Json);
}
