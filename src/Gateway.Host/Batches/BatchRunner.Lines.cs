using System.Text;
using Gateway.State.Batches;

namespace Gateway.Host.Batches;

internal sealed partial class BatchRunner
{
    private async Task RunLinesAsync(RunningBatch running, CancellationToken stopping)
    {
        var batch = running.Current;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (await store.ReadFileContentAsync(batch.InputFileId, stopping) is not { } content)
        {
            await running.UpdateAsync(b => b with
            {
                Status = BatchStatuses.Failed,
                FailedAt = now,
                Errors = [new StoredBatchError("file_not_found", $"The input file {b.InputFileId} was deleted before the batch ran.", "input_file_id")],
            }, stopping);
            return;
        }

        var lines = BatchInput.Parse(content, batch.Endpoint);
        var done = (await store.ReadResultsAsync(batch.Id, stopping)).DistinctBy(r => r.Line).ToDictionary(r => r.Line);
        await running.UpdateAsync(b => b with
        {
            Status = b.Status == BatchStatuses.Validating ? BatchStatuses.InProgress : b.Status,
            InProgressAt = b.InProgressAt ?? now,
            Total = lines.Count,
            Completed = done.Values.Count(r => r.Succeeded),
            Failed = done.Values.Count(r => !r.Succeeded),
        }, stopping);

        var expired = false;
        var inFlight = new List<Task>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping, running.Cancelled);
        foreach (var line in lines.Where(l => !done.ContainsKey(l.Line)))
        {
            if (running.Current.Status != BatchStatuses.InProgress)
            {
                break;
            }

            if (time.GetUtcNow().ToUnixTimeSeconds() >= running.Current.ExpiresAt)
            {
                expired = true;
                break;
            }

            try
            {
                await _lines.WaitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (running.Cancelled.IsCancellationRequested)
            {
                _lines.Release();
                break;
            }

            inFlight.Add(RunLineAsync(running, line, stopping));
        }

        await Task.WhenAll(inFlight);
        if (stopping.IsCancellationRequested || running.Abandoned)
        {
            return;
        }

        await FinishAsync(running, expired, stopping);
    }

    private async Task RunLineAsync(RunningBatch running, BatchInputLine line, CancellationToken stopping)
    {
        try
        {
            var result = await sender.SendAsync(running.Current, line, stopping);
            await store.AppendResultAsync(running.Current.Id, result, stopping);
            await running.UpdateAsync(b => result.Succeeded ? b with { Completed = b.Completed + 1 } : b with { Failed = b.Failed + 1 }, stopping);
        }
        catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException or HttpRequestException)
        {
            // Stopping: the line is not recorded and runs again at the next start.
        }
        catch (HttpRequestException e)
        {
            LogLineFailed(logger, e, running.Current.Id, line.Line);
            var result = BatchLineSender.ErrorLine(line, new("server_error", "The gateway could not send this request."));
            await store.AppendResultAsync(running.Current.Id, result, stopping);
            await running.UpdateAsync(b => b with { Failed = b.Failed + 1 }, stopping);
        }
        finally
        {
            _lines.Release();
        }
    }

    /// <summary>Writes the output and error files from the recorded lines, in input order, then ends the batch.</summary>
    private async Task FinishAsync(RunningBatch running, bool expired, CancellationToken stopping)
    {
        var cancelled = running.Current.Status == BatchStatuses.Cancelling;
        if (!cancelled)
        {
            await running.UpdateAsync(b => b with { Status = BatchStatuses.Finalizing, FinalizingAt = time.GetUtcNow().ToUnixTimeSeconds() }, stopping);
        }

        var batch = running.Current;
        var results = (await store.ReadResultsAsync(batch.Id, stopping)).DistinctBy(r => r.Line).OrderBy(r => r.Line).ToList();
        var output = await SaveOutputAsync(batch, "output", results.Where(r => r.Succeeded), stopping);
        var errors = await SaveOutputAsync(batch, "error", results.Where(r => !r.Succeeded), stopping);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var final = await running.UpdateAsync(b => (cancelled
            ? b with { Status = BatchStatuses.Cancelled, CancelledAt = now }
            : expired ? b with { Status = BatchStatuses.Expired, ExpiredAt = now } : b with { Status = BatchStatuses.Completed, CompletedAt = now }) with
        {
            OutputFileId = output,
            ErrorFileId = errors,
            Completed = results.Count(r => r.Succeeded),
            Failed = results.Count(r => !r.Succeeded),
        }, stopping);
        await store.DeleteResultsAsync(batch.Id, stopping);
        LogBatchEnded(logger, final.Id, final.Status, final.Completed, final.Failed);
    }

    private async Task<string?> SaveOutputAsync(StoredBatch batch, string kind, IEnumerable<BatchLineResult> results, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var result in results)
        {
            text.Append(result.Json).Append('\n');
        }

        if (text.Length == 0)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var file = new StoredBatchFile(BatchIds.NewFile(), batch.Owner, $"{batch.Id}_{kind}.jsonl", "batch_output", bytes.Length, time.GetUtcNow().ToUnixTimeSeconds());
        await store.SaveFileAsync(file, bytes, cancellationToken);
        return file.Id;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming batch {BatchId} ({Status})")]
    private static partial void LogResuming(ILogger logger, string batchId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} ended {Status}: {Completed} line(s) completed, {Failed} failed")]
    private static partial void LogBatchEnded(ILogger logger, string batchId, string status, int completed, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch {BatchId} stopped on an error; it resumes at the next start")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string batchId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {BatchId} is claimed by another replica now; this one stops starting its lines")]
    private static partial void LogClaimLost(ILogger logger, string batchId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not extend the claim on batch {BatchId} or read its cancel mark; trying again")]
    private static partial void LogKeepFailed(ILogger logger, Exception exception, string batchId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look for unfinished batches; trying again")]
    private static partial void LogLookFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Line {Line} of batch {BatchId} could not reach the front door; it is recorded as failed")]
    private static partial void LogLineFailed(ILogger logger, Exception exception, string batchId, int line);
}
