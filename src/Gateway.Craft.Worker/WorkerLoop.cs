using System.Text.Json;

namespace Gateway.Craft.Worker;

/// <summary>
/// The worker's life: read the limits, prove the engine works with a warm-up run (which also compiles the
/// engine's hot paths before the first real call), then answer one request at a time until stdin ends.
/// </summary>
internal static class WorkerLoop
{
    // Enough for the recursion limit; Jint's stack guard turns a deeper native recursion into an error, never an overflow.
    private const int ThreadStackBytes = 2 * 1024 * 1024;

    // The gateway checks code and arguments far below this before it sends them.
    private const int MaxRequestBytes = 256 * 1024 * 1024;

    // Past the gateway's own deadline (limit + 1 s), a run still going means the gateway is gone: stop.
    private static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(10);

    // The warm-up compiles much of the engine, slow on a busy machine; the gateway bounds the whole start anyway.
    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromMinutes(5);

    public static int Run(Stream input, Stream output)
    {
        var exitCode = 0;
        var thread = new Thread(() => exitCode = Serve(input, output), ThreadStackBytes) { Name = "craft-worker" };
        thread.Start();
        thread.Join();
        return exitCode;
    }

    private static int Serve(Stream input, Stream output)
    {
        try
        {
            if (WorkerProtocol.Read(input, MaxRequestBytes) is not { } first)
            {
                return 0;
            }

            var limits = JsonSerializer.Deserialize(first, WorkerJsonContext.Default.WorkerLimits)
                ?? throw new InvalidDataException("The limits frame is empty.");
            var engine = new SandboxEngine(limits);
            using var watchdog = new Timer(_ => Environment.Exit(WorkerProtocol.ExitStuck));
            var warmUp = new WorkerRequest(WorkerProtocol.WarmUpId, SandboxEngine.ToolScript(WorkerProtocol.WarmUpScript, "add"), WorkerProtocol.WarmUpArguments);
            Write(output, engine.Run(warmUp, WarmUpTimeout));
            while (WorkerProtocol.Read(input, MaxRequestBytes) is { } frame)
            {
                var request = JsonSerializer.Deserialize(frame, WorkerJsonContext.Default.WorkerRequest)
                    ?? throw new InvalidDataException("The request frame is empty.");
                watchdog.Change(limits.Timeout + StuckAfter, Timeout.InfiniteTimeSpan);
                var reply = engine.Run(request);
                watchdog.Change(Timeout.Infinite, Timeout.Infinite);
                Write(output, reply);
                if (reply.Recycle)
                {
                    return 0;
                }
            }

            return 0;
        }
        catch (OutOfMemoryException)
        {
            return WorkerProtocol.ExitOutOfMemory;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            return WorkerProtocol.ExitBadInput;
        }
        catch (IOException)
        {
            // The gateway closed the pipes.
            return 0;
        }
    }

    private static void Write(Stream output, WorkerReply reply)
    {
        output.Write(WorkerProtocol.Serialize(reply, WorkerJsonContext.Default.WorkerReply));
        output.Flush();
    }
}
