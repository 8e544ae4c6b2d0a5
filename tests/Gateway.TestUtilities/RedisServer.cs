using System.Diagnostics;
using System.Text;

namespace Gateway.TestUtilities;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, without persistence. It can be stopped and
/// started again on the same port to play an outage, and is killed on dispose.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartBackstop = TimeSpan.FromSeconds(30);

    /// <summary>What redis-server logs (at notice level) once it listens.</summary>
    private const string ReadyLine = "Ready to accept connections";

    private readonly string _executable;
    private readonly string _directory;
    private Process? _process;

    private RedisServer(string executable, int port)
    {
        _executable = executable;
        Port = port;
        _directory = Directory.CreateTempSubdirectory("gateway-redis-").FullName;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server on a free port and waits until it says it listens.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FindExecutable(), LoopbackPorts.Free());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Kills the server (as a crash would) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Stops the process without closing its sockets (SIGSTOP): a Redis that hangs.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Lets a frozen server run again (SIGCONT).</summary>
    public Task ThawAsync() => SignalAsync("-CONT");

    /// <summary>Starts the server again on the same port, empty, and waits until it says it listens.</summary>
    public async Task StartAgainAsync()
    {
        await StopAsync();
        var info = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var argument in (string[])["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no", "--dir", _directory, "--loglevel", "notice"])
        {
            info.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        // redis-server says when it listens: the start waits on that line, or on the process ending first.
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains(ReadyLine, StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("redis-server exited."));
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {_executable}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        try
        {
            // The backstop only ends a test whose server never came up.
            await ready.Task.WaitAsync(StartBackstop);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            await StopAsync();
            lock (output)
            {
                throw new InvalidOperationException($"redis-server did not start on port {Port}:\n{output}", e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover empty folder in /tmp is harmless.
        }
    }

    private async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running.");
        using var kill = Process.Start("kill", [signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static string FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(folder, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "redis-server is not installed; the Redis integration tests need it (Debian: apt-get install -y redis-server).");
    }
}
