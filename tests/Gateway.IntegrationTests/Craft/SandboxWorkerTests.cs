using System.Diagnostics;
using Gateway.Craft.Sandbox;

namespace Gateway.IntegrationTests.Craft;

/// <summary>
/// The sandbox's worker processes: a run stuck inside one built-in call is stopped by killing its worker, and its
/// slot comes back; a worker that dies or breaks the protocol fails only its own run.
/// </summary>
public sealed class SandboxWorkerTests
{
    private const string Healthy = "function add({ a, b }) { return a + b; }";
    private const string HealthyArguments = """{"a":1,"b":2}""";

    // Catastrophic backtracking inside one call, which the engine cannot interrupt: 2^40 steps, allowed a minute.
    private const string Stuck = "function stuck() { return /(a+)+$/.test('a'.repeat(40) + 'b'); }";

    [Fact]
    public async Task RunTool_MoreStuckRunsThanSlots_EachTimesOutAndABenignRunThenCompletes()
    {
        // Time enough for a benign call on a busy machine; the stuck calls would run for a minute each.
        using var sandbox = new JsSandbox(new SandboxOptions
        {
            MaxConcurrentRuns = 2,
            Timeout = TimeSpan.FromSeconds(3),
            RegexTimeout = TimeSpan.FromMinutes(1),
        });

        // One after another: each must find a slot, so each slot the previous ones took must have come back.
        for (var i = 0; i < 3; i++)
        {
            var result = await sandbox.RunToolAsync(Stuck, "stuck", "{}");
            Assert.Equal(SandboxErrorKind.Timeout, result.Error);
            Assert.Contains("did not stop", result.Message, StringComparison.Ordinal);
        }

        Assert.Equal("3", (await sandbox.RunToolAsync(Healthy, "add", HealthyArguments)).Json);
    }

    [Fact]
    public async Task RunTool_StuckRun_ItsWorkerHasExitedWhenTheResultReturns()
    {
        using var sandbox = new JsSandbox(new SandboxOptions { Timeout = TimeSpan.FromSeconds(1), RegexTimeout = TimeSpan.FromMinutes(1) });
        var worker = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        sandbox.RunHandedToWorker += pid => worker.TrySetResult(pid);

        var result = await sandbox.RunToolAsync(Stuck, "stuck", "{}");

        Assert.Equal(SandboxErrorKind.Timeout, result.Error);
        Assert.False(IsRunning(await worker.Task), "the stuck worker is still running");
    }

    [Fact]
    public async Task RunTool_WorkerKilledFromOutside_OnlyThatRunFailsAndTheNextWorks()
    {
        using var sandbox = new JsSandbox(new SandboxOptions { Timeout = TimeSpan.FromMinutes(2), MaxStatements = int.MaxValue });
        var worker = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        sandbox.RunHandedToWorker += pid => worker.TrySetResult(pid);

        var spinning = sandbox.RunToolAsync("function spin() { while (true) {} }", "spin", "{}");
        using (var process = Process.GetProcessById(await worker.Task))
        {
            process.Kill();
        }

        var result = await spinning.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(SandboxErrorKind.WorkerFailed, result.Error);
        Assert.Equal("3", (await sandbox.RunToolAsync(Healthy, "add", HealthyArguments)).Json);
    }

    [Fact]
    public async Task RunTool_IdleWorkerKilledFromOutside_TheNextRunGetsAnotherWorker()
    {
        using var sandbox = new JsSandbox();
        var workers = new List<int>();
        sandbox.RunHandedToWorker += workers.Add;
        Assert.Equal("3", (await sandbox.RunToolAsync(Healthy, "add", HealthyArguments)).Json);
        using (var process = Process.GetProcessById(workers[0]))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        var next = await sandbox.RunToolAsync(Healthy, "add", HealthyArguments);

        Assert.Equal("3", next.Json);
        Assert.NotEqual(workers[0], workers[1]);
    }

    [Fact]
    public async Task RunTool_WorkerAnswersOutOfProtocol_WorkerFailedAndTheWorkerKilled()
    {
        // A stand-in worker that passes the start (the warm-up reply) and then writes bytes that are no frame.
        var dir = Directory.CreateTempSubdirectory("craft-worker-");
        try
        {
            var script = Path.Combine(dir.FullName, "worker.sh");
            await File.WriteAllTextAsync(script, """
                #!/bin/sh
                printf '\023\000\000\000{"Id":0,"Json":"3"}'
                printf 'not a frame'
                exec sleep 600
                """);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            using var sandbox = new JsSandbox(new SandboxOptions { WorkerPath = script });
            var worker = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            sandbox.RunHandedToWorker += pid => worker.TrySetResult(pid);

            var result = await sandbox.RunToolAsync(Healthy, "add", HealthyArguments);

            Assert.Equal(SandboxErrorKind.WorkerFailed, result.Error);
            Assert.False(IsRunning(await worker.Task), "the worker that broke the protocol is still running");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RunTool_WorkerMissing_WorkerFailedResult()
    {
        using var sandbox = new JsSandbox(new SandboxOptions { WorkerPath = Path.Combine(Path.GetTempPath(), "no-such-worker", "Gateway.Craft.Worker.dll") });

        var result = await sandbox.RunToolAsync(Healthy, "add", HealthyArguments);

        Assert.Equal(SandboxErrorKind.WorkerFailed, result.Error);
        Assert.DoesNotContain("no-such-worker", result.Message, StringComparison.Ordinal);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
