using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Bench;

/// <summary>
/// A real gateway (a built <c>Gateway.Host.dll</c>) in its own process on a free loopback port, configured through its
/// environment as a deployment would be; its resident memory is read from <c>/proc/PID/status</c>. Shared by the
/// benches that drive a whole gateway (linked into each project from <c>bench/Shared</c>).
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private GatewayProcess(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public static async Task<GatewayProcess> StartAsync(FileInfo dll, string workingDirectory, IReadOnlyDictionary<string, string> environment, CancellationToken cancellation)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll.FullName);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var gateway = new GatewayProcess(process, port);
        process.OutputDataReceived += (_, e) => gateway.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await gateway.WaitAliveAsync(cancellation);
        return gateway;
    }

    /// <summary>Runs one of the gateway's own verbs (e.g. <c>router train</c>) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunVerbAsync(FileInfo dll, string workingDirectory, IEnumerable<string> arguments, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll.FullName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var errors = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        return (process.ExitCode, await output + await errors);
    }

    /// <summary><c>VmRSS</c> and <c>VmHWM</c> (peak) of a process, in bytes; zeros when it is gone.</summary>
    public static (long Resident, long Peak) Memory(int processId)
    {
        try
        {
            long resident = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    resident = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line);
                }
            }

            return (resident, peak);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private async Task WaitAliveAsync(CancellationToken cancellation)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with code {_process.ExitCode}:\n{Output()}");
            }

            try
            {
                using var alive = await http.GetAsync(new Uri(BaseAddress, "/alive"), cancellation);
                if (alive.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The gateway did not answer /alive within two minutes:\n{Output()}");
            }

            await Task.Delay(200, cancellation);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }
    }

    /// <summary>The last lines the gateway wrote (warnings and errors: it runs with logging at Warning).</summary>
    public string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The gateway's own ModelServer child goes with it.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
