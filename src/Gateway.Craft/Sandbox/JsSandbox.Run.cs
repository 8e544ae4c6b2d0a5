using System.Text.Json;
using Gateway.Craft.Worker;

namespace Gateway.Craft.Sandbox;

public sealed partial class JsSandbox
{
    /// <summary>Raised with a worker's process id when a run is handed to it.</summary>
    internal event Action<int>? RunHandedToWorker;

    private async Task<SandboxResult> RunAsync(string script, string? input, CancellationToken cancellationToken)
    {
        if (script.Length > Options.MaxCodeChars + 400)
        {
            return SandboxResult.Failure(SandboxErrorKind.BadInput, $"The code is {script.Length} characters; the sandbox accepts at most {Options.MaxCodeChars}.");
        }

        if (!await _slots.WaitAsync(Options.Timeout, cancellationToken))
        {
            return SandboxResult.Failure(SandboxErrorKind.Timeout, "Every sandbox slot stayed busy for the whole time limit.");
        }

        // From here the slot goes back on every path: at once when no worker is left running code for this run,
        // else when the worker's process has exited (StopAsync).
        SandboxWorker worker;
        try
        {
            worker = await _pool.RentAsync(cancellationToken);
        }
        catch (SandboxWorkerException e)
        {
            _slots.Release();
            SandboxLog.StartFailed(_logger, e);
            return SandboxResult.Failure(SandboxErrorKind.WorkerFailed, "No sandbox worker could be started.");
        }
        catch
        {
            _slots.Release();
            throw;
        }

        WorkerReply reply;
        try
        {
            var run = worker.RunAsync(script, input, Options.Timeout + Grace, cancellationToken);
            RunHandedToWorker?.Invoke(worker.ProcessId);
            reply = await run;
        }
        catch (TimeoutException)
        {
            // The engine did not stop at its deadline, e.g. inside one long built-in call: only the process can go.
            await StopAsync(worker, "the run outlived its time limit");
            return SandboxResult.Failure(SandboxErrorKind.Timeout, $"The script did not stop within {Options.Timeout.TotalSeconds:0.###} s.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _ = StopAsync(worker, "the caller cancelled the run");
            throw;
        }
        catch (SandboxWorkerException e)
        {
            await StopAsync(worker, e.Message);
            SandboxLog.WorkerFailed(_logger, worker.ProcessId, worker.ExitCode, e.Message);
            return worker.RanOutOfMemory
                ? SandboxResult.Failure(SandboxErrorKind.Memory, "The script used more memory than the sandbox allows.")
                : SandboxResult.Failure(SandboxErrorKind.WorkerFailed, "The sandbox worker failed during the run: it ended or answered out of protocol.");
        }

        if (ToResult(reply) is not { } result)
        {
            await StopAsync(worker, "its reply broke the protocol");
            return SandboxResult.Failure(SandboxErrorKind.WorkerFailed, "The sandbox worker answered out of protocol.");
        }

        if (reply.Recycle)
        {
            await StopAsync(worker, "it asked to be replaced after " + reply.Error);
        }
        else
        {
            _pool.Return(worker);
            _slots.Release();
        }

        return result;
    }

    /// <summary>Kills <paramref name="worker"/>; its slot comes back, and a warm worker starts in its place, when its process has exited.</summary>
    private async Task StopAsync(SandboxWorker worker, string reason)
    {
        if (!worker.HasExited)
        {
            SandboxLog.WorkerKilled(_logger, worker.ProcessId, reason);
        }

        var exited = worker.KillAsync();
        try
        {
            // Awaited, so the slot is back before the caller has its answer.
            await exited.WaitAsync(ExitWait);
            ReleaseAfterExit();
        }
        catch (TimeoutException)
        {
            // The caller gets its answer; the slot stays taken until the process is gone.
            _ = exited.ContinueWith(_ => ReleaseAfterExit(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void ReleaseAfterExit()
    {
        _slots.Release();
        _pool.Replenish();
    }

    /// <summary>The reply as a result; null for a reply the worker should never send (the worker is then replaced).</summary>
    private SandboxResult? ToResult(WorkerReply reply)
    {
        if (reply.Error is { } error)
        {
            return WorkerErrors.All.Contains(error) && Enum.TryParse<SandboxErrorKind>(error, out var kind)
                ? SandboxResult.Failure(kind, reply.Message ?? error)
                : null;
        }

        if (reply.Json is not { } json || json.Length > Options.MaxOutputChars)
        {
            return null;
        }

        try
        {
            using var _ = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = Options.MaxJsonDepth });
        }
        catch (JsonException)
        {
            return null;
        }

        return SandboxResult.Success(json);
    }
}
