using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Gateway.State.Batches;

/// <summary>
/// The Batches API's state in a directory: <c>files/&lt;id&gt;.json</c> (the record) and <c>files/&lt;id&gt;.data</c> (the
/// bytes), <c>batches/&lt;id&gt;.json</c>, and <c>batches/&lt;id&gt;.results.jsonl</c>, one finished line per line,
/// appended and flushed as each line ends. Records are written to a temporary file and moved into place, so a crash
/// leaves the old record or the new one; a results line cut short by a crash is ignored when read (that line runs again).
/// One gateway uses a directory at a time, so claims and cancel requests are kept in memory: the record itself carries a
/// cancel across a restart.
/// </summary>
internal sealed class DiskBatchStore : IBatchStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _files;
    private readonly string _batches;
    private readonly SemaphoreSlim _append = new(1, 1);
    private readonly ConcurrentDictionary<string, string> _claims = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _cancelled = new(StringComparer.Ordinal);

    public DiskBatchStore(string directory)
    {
        _files = Directory.CreateDirectory(Path.Combine(directory, "files")).FullName;
        _batches = Directory.CreateDirectory(Path.Combine(directory, "batches")).FullName;
    }

    public async Task SaveFileAsync(StoredBatchFile file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        await WriteAtomicAsync(Path.Combine(_files, file.Id + ".data"), content, cancellationToken);
        await WriteAtomicAsync(Path.Combine(_files, file.Id + ".json"), JsonSerializer.SerializeToUtf8Bytes(file, Json), cancellationToken);
    }

    public Task<StoredBatchFile?> GetFileAsync(string id, CancellationToken cancellationToken = default) =>
        ReadAsync<StoredBatchFile>(_files, id, cancellationToken);

    public async Task<byte[]?> ReadFileContentAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!BatchIds.IsWellFormed(id))
        {
            return null;
        }

        try
        {
            return await File.ReadAllBytesAsync(Path.Combine(_files, id + ".data"), cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<StoredBatchFile>> ListFilesAsync(string owner, CancellationToken cancellationToken = default) =>
        (await ReadAllAsync<StoredBatchFile>(_files, cancellationToken)).Where(f => f.Owner == owner).ToList();

    public Task<bool> DeleteFileAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!BatchIds.IsWellFormed(id) || !File.Exists(Path.Combine(_files, id + ".json")))
        {
            return Task.FromResult(false);
        }

        File.Delete(Path.Combine(_files, id + ".json"));
        File.Delete(Path.Combine(_files, id + ".data"));
        return Task.FromResult(true);
    }

    public Task SaveBatchAsync(StoredBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return WriteAtomicAsync(Path.Combine(_batches, batch.Id + ".json"), JsonSerializer.SerializeToUtf8Bytes(batch, Json), cancellationToken);
    }

    public Task<StoredBatch?> GetBatchAsync(string id, CancellationToken cancellationToken = default) =>
        ReadAsync<StoredBatch>(_batches, id, cancellationToken);

    public async Task<IReadOnlyList<StoredBatch>> ListBatchesAsync(string? owner, CancellationToken cancellationToken = default) =>
        (await ReadAllAsync<StoredBatch>(_batches, cancellationToken)).Where(b => owner is null || b.Owner == owner).ToList();

    public async Task AppendResultAsync(string batchId, BatchLineResult result, CancellationToken cancellationToken = default)
    {
        var line = JsonSerializer.Serialize(result, Json) + "\n";
        await _append.WaitAsync(cancellationToken);
        try
        {
            await using var stream = new FileStream(ResultsPath(batchId), FileMode.Append, FileAccess.Write, FileShare.Read);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _append.Release();
        }
    }

    public async Task<IReadOnlyList<BatchLineResult>> ReadResultsAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var path = ResultsPath(batchId);
        if (!File.Exists(path))
        {
            return [];
        }

        var results = new List<BatchLineResult>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            try
            {
                if (JsonSerializer.Deserialize<BatchLineResult>(line, Json) is { } result)
                {
                    results.Add(result);
                }
            }
            catch (JsonException)
            {
                // The last line of a gateway that stopped while writing it: that line is run again.
            }
        }

        return results;
    }

    public Task DeleteResultsAsync(string batchId, CancellationToken cancellationToken = default)
    {
        File.Delete(ResultsPath(batchId));
        return Task.CompletedTask;
    }

    public bool IsShared => false;

    public Task<bool> TryClaimAsync(string batchId, string runner, TimeSpan lease, CancellationToken cancellationToken = default) =>
        Task.FromResult(_claims.GetOrAdd(batchId, runner) == runner);

    public Task ReleaseClaimAsync(string batchId, string runner, CancellationToken cancellationToken = default)
    {
        _claims.TryRemove(KeyValuePair.Create(batchId, runner));
        return Task.CompletedTask;
    }

    public Task RequestCancelAsync(string batchId, TimeSpan keep, CancellationToken cancellationToken = default)
    {
        _cancelled[batchId] = true;
        return Task.CompletedTask;
    }

    public Task<bool> IsCancelRequestedAsync(string batchId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_cancelled.ContainsKey(batchId));

    private string ResultsPath(string batchId) => BatchIds.IsWellFormed(batchId)
        ? Path.Combine(_batches, batchId + ".results.jsonl")
        : throw new ArgumentException("Not a batch id.", nameof(batchId));

    private static async Task<T?> ReadAsync<T>(string directory, string id, CancellationToken cancellationToken) where T : class
    {
        if (!BatchIds.IsWellFormed(id))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(Path.Combine(directory, id + ".json"));
            return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static async Task<List<T>> ReadAllAsync<T>(string directory, CancellationToken cancellationToken) where T : class
    {
        var all = new List<T>();
        foreach (var path in Directory.EnumerateFiles(directory, "*.json"))
        {
            if (await ReadAsync<T>(directory, Path.GetFileNameWithoutExtension(path), cancellationToken) is { } record)
            {
                all.Add(record);
            }
        }

        return all;
    }

    private static async Task WriteAtomicAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
