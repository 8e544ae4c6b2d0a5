using System.Text.Json;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Worker;

namespace Gateway.Bench.Craft;

/// <summary>
/// The baseline: the same engine run the way the sandbox ran it before it had worker processes, inside the
/// calling process with a fresh engine on a fresh 2 MiB thread per call. Only for measuring; it has no memory cap
/// beyond the engine's between-statement check and cannot stop a run stuck in one built-in call.
/// </summary>
internal sealed class InProcessSandbox(SandboxOptions options)
{
    private readonly SandboxEngine _engine = new(SandboxWorkerLauncher.Limits(options));
    private long _id;

    public Task<string?> RunToolAsync(string code, string function, string argumentsJson)
    {
        // What the sandbox checks before every run, in both designs.
        using (JsonDocument.Parse(argumentsJson, new JsonDocumentOptions { MaxDepth = options.MaxJsonDepth }))
        {
        }

        var request = new WorkerRequest(Interlocked.Increment(ref _id), SandboxEngine.ToolScript(code, function), argumentsJson);
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => done.TrySetResult(_engine.Run(request).Json), 2 * 1024 * 1024) { IsBackground = true };
        thread.Start();
        return done.Task;
    }
}
