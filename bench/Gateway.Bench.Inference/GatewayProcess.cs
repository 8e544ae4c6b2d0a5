using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Gateway.Bench.Inference;

/// <summary>
/// A real gateway (a built <c>Gateway.Host.dll</c>) in its own process on a free loopback port, with the
/// benchmark model as its one local catalog entry: requests take the whole front door, the pool's
/// lease and the YARP hop to the ModelServer the gateway starts itself.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{

    private readonly Process _process;
    private readonly string _configDirectory;
    private readonly Queue<string> _output = new();

    private GatewayProcess(Process process, string configDirectory, int port)
    {
        _process = process;
        _configDirectory = configDirectory;
        BaseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/v1/");
    }

    /// <summary>The gateway's OpenAI base URL.</summary>
    public Uri BaseUri { get; }

    public static async Task<GatewayProcess> StartAsync(FileInfo gatewayDll, string modelPath, BenchSettings settings, CancellationToken cancellation)
    {
        var port = FreePort();
        var configDirectory = Directory.CreateTempSubdirectory("bench-gateway-config-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = configDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(gatewayDll.FullName);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var environment = start.Environment;
        environment["Gateway__ConfigDirectory"] = configDirectory;
        environment["Gateway__AllowDevelopmentKey"] = "true";
        environment["Gateway__Models__bench__Provider"] = "local";
        environment["Gateway__Models__bench__Path"] = modelPath;
        environment["Gateway__Models__bench__ParallelSequences"] = settings.Streams.Max().ToString(CultureInfo.InvariantCulture);
        environment["Gateway__Models__bench__ContextSize"] = (settings.Tokens + 64).ToString(CultureInfo.InvariantCulture);
        environment["Gateway__Models__bench__SharedKvCache"] = settings.SharedKvCache ? "true" : "false";
        environment["Gateway__Models__bench__PrefixCache"] = settings.PrefixCache ? "true" : "false";
        if (settings.Threads is { } threads)
        {
            environment["Gateway__Models__bench__Threads"] = threads.ToString(CultureInfo.InvariantCulture);
        }
        // Per-request logging would be measured as serving cost; a deployment tuned for throughput keeps it at Warning.
        environment["Logging__LogLevel__Default"] = "Warning";
        environment["Logging__LogLevel__Gateway"] = "Warning";
        environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var gateway = new GatewayProcess(process, configDirectory, port);
        process.OutputDataReceived += (_, e) => gateway.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await gateway.WaitAliveAsync(cancellation);
        return gateway;
    }

    /// <summary>A client that authenticates to the gateway with its development key.</summary>
    public static HttpClient CreateClient()
    {
        var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayApiKeys.Development);
        return client;
    }

    private async Task WaitAliveAsync(CancellationToken cancellation)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with code {_process.ExitCode}:\n{Output()}");
            }
            try
            {
                using var alive = await http.GetAsync(new Uri(BaseUri, "/alive"), cancellation);
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
                throw new TimeoutException($"The gateway did not answer /alive within a minute:\n{Output()}");
            }
            await Task.Delay(100, cancellation);
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
            if (_output.Count > 50)
            {
                _output.Dequeue();
            }
        }
    }

    private string Output()
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
        Directory.Delete(_configDirectory, recursive: true);
    }
}
