namespace Gateway.ModelServer;

internal static partial class ModelServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded model {Model} from {Path} in {ElapsedMs} ms ({SizeBytes} bytes on disk, {ParallelSequences} sequences x {ContextSize} tokens)")]
    public static partial void ModelLoaded(ILogger logger, string model, string path, long elapsedMs, long sizeBytes, int parallelSequences, int contextSize);

    [LoggerMessage(2, LogLevel.Error, "llama.cpp: {Message}")]
    public static partial void NativeError(ILogger logger, string message);

    [LoggerMessage(3, LogLevel.Error, "Decoding failed with {Result}; {Count} requests were failed")]
    public static partial void DecodeFailed(ILogger logger, string result, int count);

    [LoggerMessage(4, LogLevel.Error, "The batch loop failed")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Parent process {ProcessId} exited; shutting down")]
    public static partial void ParentExited(ILogger logger, int processId);

    [LoggerMessage(7, LogLevel.Error, "A request failed while sampling; the other requests go on")]
    public static partial void SequenceFailed(ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Information, "llama.cpp refused the grammar built from {Param}; the request gets a 400")]
    public static partial void GrammarRefused(ILogger logger, string param);

    [LoggerMessage(9, LogLevel.Warning, "No API key is set ({Variable}): any local process can use this model server. Set one unless this machine runs nothing else.")]
    public static partial void NoApiKey(ILogger logger, string variable);

    [LoggerMessage(20, LogLevel.Information, "Tool calls are read and written in the {Family} format")]
    public static partial void ToolFormat(ILogger logger, string family);

    [LoggerMessage(6, LogLevel.Trace, "Prompt: {Prompt}")]
    public static partial void Prompt(ILogger logger, string prompt);

    [LoggerMessage(10, LogLevel.Warning, "Model {Model}: its chat template cannot be parsed ({Reason}); prompts come from llama.cpp's built-in templates instead")]
    public static partial void TemplateFallback(ILogger logger, string model, string reason);
}
