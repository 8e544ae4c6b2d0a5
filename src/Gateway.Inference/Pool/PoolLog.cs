using Microsoft.Extensions.Logging;

namespace Gateway.Inference.Pool;

internal static partial class PoolLog
{
    [LoggerMessage(1, LogLevel.Information, "Starting local model {Model} from {Path}")]
    public static partial void Starting(ILogger logger, string model, string path);

    [LoggerMessage(2, LogLevel.Information, "Local model {Model} ready at {BaseUri} (pid {ProcessId}) after {ElapsedMs} ms, charged {MemoryBytes} bytes")]
    public static partial void Ready(ILogger logger, string model, Uri baseUri, int processId, long elapsedMs, long memoryBytes);

    [LoggerMessage(3, LogLevel.Error, "Local model {Model} failed to start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string model, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Local model {Model} exited unexpectedly with code {ExitCode}; restarting in {Backoff}. Its last stderr lines:\n{Errors}")]
    public static partial void Crashed(ILogger logger, string model, int exitCode, TimeSpan backoff, string errors);

    [LoggerMessage(5, LogLevel.Information, "Unloading local model {Model}: {Reason}")]
    public static partial void Unloading(ILogger logger, string model, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Local model {Model} failed its health check ({Failures} in a row)")]
    public static partial void HealthFailed(ILogger logger, string model, int failures);

    [LoggerMessage(7, LogLevel.Debug, "[{Model}] {Line}")]
    public static partial void ChildOutput(ILogger logger, string model, string line);

    [LoggerMessage(8, LogLevel.Error, "The pool's supervision loop failed")]
    public static partial void SupervisionFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "[{Model}] stderr: {Line}")]
    public static partial void ChildError(ILogger logger, string model, string line);

    [LoggerMessage(11, LogLevel.Error, "The model server of {Model} exited with code {ExitCode} before listening. Its last stderr lines:\n{Errors}")]
    public static partial void ExitedWhileStarting(ILogger logger, string model, int exitCode, string errors);

    [LoggerMessage(12, LogLevel.Error, "Local model {Model} cannot launch its model server {FileName}: {Reason}")]
    public static partial void LaunchFailed(ILogger logger, string model, string fileName, string reason);

    [LoggerMessage(13, LogLevel.Warning, "Local model {Model} is stalled: work waits and its decode loop has not moved for {Age} ({Failures} checks in a row)")]
    public static partial void Stalled(ILogger logger, string model, TimeSpan age, int failures);

    [LoggerMessage(14, LogLevel.Warning, "Restarting local model {Model}: {Reason}")]
    public static partial void RestartingUnhealthy(ILogger logger, string model, string reason);

    [LoggerMessage(9, LogLevel.Warning, "Ignoring invalid local model {Model}: {Reason}")]
    public static partial void InvalidModel(ILogger logger, string model, string reason);
}
