using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gateway.Craft.Worker;

namespace Gateway.Craft.Sandbox;

/// <summary>A worker process ended or broke the protocol; the worker is no longer usable.</summary>
internal sealed class SandboxWorkerException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One <c>Gateway.Craft.Worker</c> process: its pipes, its exit, and the tail of its stderr (read so the pipe
/// never fills; kept only to recognise a heap that ran out, never shown to callers). One run at a time.
/// </summary>
internal sealed class SandboxWorker
{
    private const int StderrTailChars = 4_096;

    private readonly Process _process;
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly int _maxReplyBytes;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _stderr = new();
    private long _nextId = WorkerProtocol.WarmUpId + 1;
    private int _killed;
    private int? _exitCode;

    private SandboxWorker(Process process, int maxReplyBytes)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _output = process.StandardOutput.BaseStream;
        _maxReplyBytes = maxReplyBytes;
        ProcessId = process.Id;
    }

    public int ProcessId { get; }

    /// <summary>Completes when the process has exited (and its stderr has been drained).</summary>
    public Task Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Asks the operating system, not only the exit event, whether the process still runs.</summary>
    public bool IsAlive
    {
        get
        {
            try
            {
                return !HasExited && !_process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>The exit code once <see cref="Exited"/> has completed.</summary>
    public int? ExitCode => _exitCode;

    /// <summary>Whether the process ended because its heap ran out where it could not reply.</summary>
    public bool RanOutOfMemory
    {
        get
        {
            if (!HasExited)
            {
                return false;
            }

            string tail;
            lock (_stderr)
            {
                tail = _stderr.ToString();
            }

            return _exitCode == WorkerProtocol.ExitOutOfMemory
                || tail.Contains("OutOfMemory", StringComparison.Ordinal) || tail.Contains("Out of memory", StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Starts a worker, sends it <paramref name="limits"/> and waits for its warm-up run to succeed.</summary>
    public static async Task<SandboxWorker> StartAsync(ProcessStartInfo start, WorkerLimits limits, int maxReplyBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        try
        {
            if (!process.Start())
            {
                throw new SandboxWorkerException($"'{start.FileName}' did not start.");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new SandboxWorkerException($"'{start.FileName}' did not start: {e.Message}", e);
        }

        var worker = new SandboxWorker(process, maxReplyBytes);
        worker.Watch();
        try
        {
            var reply = await worker.ExchangeAsync(WorkerProtocol.Serialize(limits, WorkerJsonContext.Default.WorkerLimits), WorkerProtocol.WarmUpId, timeout, cancellationToken);
            if (reply.Json != WorkerProtocol.WarmUpResult)
            {
                throw new SandboxWorkerException($"The worker's warm-up run failed: {reply.Error}.");
            }

            return worker;
        }
        catch (Exception e)
        {
            await worker.KillAsync();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new SandboxWorkerException(e is TimeoutException
                ? $"The worker did not finish starting within {timeout.TotalSeconds:0.#} s."
                : $"The worker failed while starting: {e.Message}", e);
        }
    }

    /// <summary>Sends one run and waits for its reply.</summary>
    /// <exception cref="TimeoutException">No reply within <paramref name="timeout"/>; the worker must be killed.</exception>
    /// <exception cref="SandboxWorkerException">The worker ended or broke the protocol.</exception>
    public Task<WorkerReply> RunAsync(string script, string? input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = _nextId++;
        var frame = WorkerProtocol.Serialize(new WorkerRequest(id, script, input), WorkerJsonContext.Default.WorkerRequest);
        return ExchangeAsync(frame, id, timeout, cancellationToken);
    }

    /// <summary>Kills the process (once) and waits for it to exit.</summary>
    public Task KillAsync()
    {
        if (Interlocked.Exchange(ref _killed, 1) == 0)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // It has exited already.
            }
        }

        return Exited;
    }

    private async Task<WorkerReply> ExchangeAsync(byte[] frame, long id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // WaitAsync, not tokens on the pipe calls: a worker that stops reading or writing cannot hold the caller.
        var exchange = Task.Run(async () =>
        {
            await _input.WriteAsync(frame);
            await _input.FlushAsync();
            return await WorkerProtocol.ReadAsync(_output, _maxReplyBytes, CancellationToken.None);
        }, CancellationToken.None);
        byte[]? payload;
        try
        {
            payload = await exchange.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException)
        {
            throw new SandboxWorkerException("The worker's pipes failed: " + e.Message, e);
        }

        if (payload is null)
        {
            throw new SandboxWorkerException("The worker ended during the run.");
        }

        WorkerReply? reply;
        try
        {
            reply = JsonSerializer.Deserialize(payload, WorkerJsonContext.Default.WorkerReply);
        }
        catch (JsonException e)
        {
            throw new SandboxWorkerException("The worker's reply is not the protocol.", e);
        }

        return reply is not null && reply.Id == id ? reply : throw new SandboxWorkerException("The worker answered another request.");
    }

    private void Watch()
    {
        _process.ErrorDataReceived += (_, e) => KeepTail(e.Data);
        _process.Exited += (_, _) => _ = DrainAndSignalAsync();
        _process.BeginErrorReadLine();
        if (_process.HasExited)
        {
            _ = DrainAndSignalAsync();
        }
    }

    private async Task DrainAndSignalAsync()
    {
        try
        {
            // Lets the stderr reader reach the end, so the tail is complete when Exited completes.
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Not started or already disposed.
        }

        try
        {
            _exitCode = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            _exitCode = -1;
        }

        _exited.TrySetResult();
        _process.Dispose();
    }

    private void KeepTail(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.AppendLine(line);
            if (_stderr.Length > StderrTailChars)
            {
                _stderr.Remove(0, _stderr.Length - StderrTailChars);
            }
        }
    }
}
