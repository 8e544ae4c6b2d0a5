using Microsoft.Extensions.Logging;

namespace Gateway.Craft.Sandbox;

internal static partial class SandboxLog
{
    [LoggerMessage(1, LogLevel.Debug, "Sandbox worker {ProcessId} started in {ElapsedMs} ms")]
    public static partial void WorkerStarted(ILogger logger, int processId, long elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "A warm sandbox worker failed to start")]
    public static partial void WarmStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Error, "No sandbox worker could be started for a run")]
    public static partial void StartFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Sandbox worker {ProcessId} killed: {Reason}")]
    public static partial void WorkerKilled(ILogger logger, int processId, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Sandbox worker {ProcessId} failed during a run (exit code {ExitCode}): {Reason}")]
    public static partial void WorkerFailed(ILogger logger, int processId, int? exitCode, string reason);
}
