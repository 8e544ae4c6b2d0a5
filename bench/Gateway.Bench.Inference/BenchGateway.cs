using System.Globalization;
using System.Net.Http.Headers;

namespace Gateway.Bench.Inference;

/// <summary>
/// A real gateway process (<see cref="GatewayProcess"/>) with the benchmark model as its one local catalog entry:
/// requests take the whole front door, the pool's lease and the YARP hop to the ModelServer the gateway starts itself.
/// </summary>
internal sealed class BenchGateway : IAsyncDisposable
{
    private readonly GatewayProcess _process;
    private readonly string _configDirectory;

    private BenchGateway(GatewayProcess process, string configDirectory)
    {
        _process = process;
        _configDirectory = configDirectory;
    }

    /// <summary>The gateway's OpenAI base URL.</summary>
    public Uri BaseUri => new(_process.BaseAddress, "v1/");

    public static async Task<BenchGateway> StartAsync(FileInfo gatewayDll, string modelPath, BenchSettings settings, CancellationToken cancellation)
    {
        var configDirectory = Directory.CreateTempSubdirectory("bench-gateway-config-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["Gateway__ConfigDirectory"] = configDirectory,
            ["Gateway__AllowDevelopmentKey"] = "true",
            ["Gateway__Models__bench__Provider"] = "local",
            ["Gateway__Models__bench__Path"] = modelPath,
            ["Gateway__Models__bench__ParallelSequences"] = settings.Streams.Max().ToString(CultureInfo.InvariantCulture),
            ["Gateway__Models__bench__ContextSize"] = (settings.Tokens + 64).ToString(CultureInfo.InvariantCulture),
            ["Gateway__Models__bench__SharedKvCache"] = settings.SharedKvCache ? "true" : "false",
            ["Gateway__Models__bench__PrefixCache"] = settings.PrefixCache ? "true" : "false",
            // Per-request logging would be measured as serving cost; a deployment tuned for throughput keeps it at Warning.
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Gateway"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning",
        };
        if (settings.GpuLayers > 0)
        {
            environment["Gateway__Models__bench__GpuLayers"] = settings.GpuLayers.ToString(CultureInfo.InvariantCulture);
        }
        if (settings.NativeLibrary is { } library)
        {
            environment["Gateway__Models__bench__NativeLibraryPath"] = library;
        }
        if (settings.Threads is { } threads)
        {
            environment["Gateway__Models__bench__Threads"] = threads.ToString(CultureInfo.InvariantCulture);
        }

        try
        {
            return new BenchGateway(await GatewayProcess.StartAsync(gatewayDll, configDirectory, environment, cancellation), configDirectory);
        }
        catch
        {
            Directory.Delete(configDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>A client that authenticates to the gateway with its development key.</summary>
    public static HttpClient CreateClient()
    {
        var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayApiKeys.Development);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_configDirectory, recursive: true);
    }
}
