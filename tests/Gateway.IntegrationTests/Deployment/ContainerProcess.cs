using System.Diagnostics;
using System.Net;
using System.Text;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>
/// The image's entry point run as a real process the way the container runs it: the repository's
/// entry point script, the Dockerfile's ENV for the final stage, its WORKDIR (here the test's own
/// build output, which holds Gateway.Host.dll and appsettings.json as /app does), and overrides
/// given as `docker run -e` would give them.
/// </summary>
public sealed class ContainerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource Signal)> _waiters = [];

    private ContainerProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The folder standing in for the image's /app.</summary>
    public static string AppDirectory => AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);

    /// <summary>The container's environment: the Dockerfile's ENV with <paramref name="overrides"/> on top.</summary>
    public static Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var dockerfile = DockerfileModel.Load(Repository.PathOf("Dockerfile"));
        var env = new Dictionary<string, string>(dockerfile.Environment(dockerfile.Final), StringComparer.Ordinal)
        {
            ["GATEWAY_APP_DIR"] = AppDirectory,
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            env[name] = value;
        }

        return env;
    }

    public static ContainerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dockerfile = DockerfileModel.Load(Repository.PathOf("Dockerfile"));
        var start = new ProcessStartInfo
        {
            FileName = EntryPointScript(dockerfile),
            WorkingDirectory = AppDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args.Length > 0 ? args : dockerfile.Final.Last("CMD")!.ExecForm()!)
        {
            start.ArgumentList.Add(arg);
        }

        // A container starts with only its image's environment; keep what finds dotnet, drop the rest
        // of what this test run might carry that the gateway would read.
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("Gateway__", StringComparison.OrdinalIgnoreCase) || name.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
                || name.StartsWith("DOTNET_USE_POLLING", StringComparison.Ordinal))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["PATH"] = DotnetDirectory() + Path.PathSeparator + start.Environment["PATH"];
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var container = new ContainerProcess(process);
        process.OutputDataReceived += (_, e) => container.Append(e.Data);
        process.ErrorDataReceived += (_, e) => container.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return container;
    }

    /// <summary>Runs the entry point with <paramref name="args"/> to completion; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        await using var process = Start(environment, args);
        var exitCode = await process.WaitForExitAsync(timeout);
        return (exitCode, process.Output);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The entry point did not exit within {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>
    /// Waits until <paramref name="url"/> answers 200, failing early if the process exits. A child process announces
    /// nothing a test can await, so its health endpoint is read through one bounded poll; <paramref name="backstop"/>
    /// only ends a test whose process never serves.
    /// </summary>
    public async Task WaitUntilServingAsync(Uri url, TimeSpan backstop)
    {
        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = new CancellationTokenSource(backstop);
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The entry point exited with {_process.ExitCode}. Output:\n{Output}");
                }

                try
                {
                    using var response = await client.GetAsync(url, deadline.Token);
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false; // Not listening yet.
                }
            }, $"{url} never answered 200.", backstop);
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && deadline.IsCancellationRequested))
        {
            throw new TimeoutException($"{url} never answered 200. Output:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_waiters[i].Text, StringComparison.Ordinal))
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Completes once the process has printed a line containing <paramref name="text"/> (at once if it has).</summary>
    public Task WhenOutputAsync(string text)
    {
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((text, signal));
            return signal.Task;
        }
    }

    /// <summary>The repository file the image's ENTRYPOINT is a copy of.</summary>
    private static string EntryPointScript(DockerfileModel dockerfile)
    {
        var entryPoint = dockerfile.Final.Last("ENTRYPOINT")!.ExecForm()![0];
        var workdir = dockerfile.Final.Last("WORKDIR")!.Arguments;
        var copy = dockerfile.Copies()
            .Where(c => c.Stage == dockerfile.Final && c.Copy.From is null)
            .Select(c => c.Copy)
            .Single(c => Path.Combine(workdir, c.Destination) == entryPoint);
        return Repository.PathOf(copy.Sources.Single());
    }

    /// <summary>The folder of the dotnet host running these tests, so the script's `dotnet` is the same one.</summary>
    private static string DotnetDirectory()
    {
        var host = System.Environment.ProcessPath;
        if (host is null || !Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            host = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        }

        return host is null ? string.Empty : Path.GetDirectoryName(host)!;
    }
}
