using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Inference.Pool;

/// <summary>
/// Launches <c>Gateway.ModelServer</c> on a free loopback port (the server binds port 0 and reports the
/// port it got), so no two models race for a port.
/// </summary>
internal sealed class ModelServerLauncher(IOptionsMonitor<ModelPoolOptions> options, ILogger<ModelServerLauncher> logger) : IModelServerLauncher
{
    internal const string ListeningPrefix = "modelserver listening ";

    /// <summary>The variable the child reads its API key from (the ModelServer's <c>ApiKeyVariable</c>).</summary>
    internal const string ApiKeyVariable = "GATEWAY_MODELSERVER_API_KEY";

    /// <summary>The variables the child reads its trace export from (the ModelServer's <c>ModelServerTracing</c>).</summary>
    internal const string TracesEndpointVariable = "GATEWAY_MODELSERVER_OTLP_TRACES_ENDPOINT";
    internal const string TracesProtocolVariable = "GATEWAY_MODELSERVER_OTLP_TRACES_PROTOCOL";
    internal const string TracesHeadersVariable = "GATEWAY_MODELSERVER_OTLP_TRACES_HEADERS";

    /// <summary>Exit code of a ModelServer that could not load its model (the ModelServer's <c>LoadFailedExitCode</c>).</summary>
    internal const int LoadFailedExitCode = 2;

    public async Task<IModelServerProcess> StartAsync(string name, LocalModelOptions model, CancellationToken cancellation)
    {
        if (!File.Exists(model.Path))
        {
            throw new ModelUnavailableException(name, $"Model '{name}' cannot start: its GGUF file does not exist.");
        }
        var pool = options.CurrentValue;
        var apiKey = NewApiKey();
        var start = CreateStartInfo(pool, name, model, apiKey);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ModelServerProcess(process, name, apiKey, logger);
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"The model server for '{name}' did not start.");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            await child.DisposeAsync();
            PoolLog.LaunchFailed(logger, name, start.FileName, e.Message);
            throw new ModelUnavailableException(name, $"Model '{name}' cannot launch its model server; the gateway log says why.", null, e);
        }
        child.BeginReading();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(pool.StartTimeout);
        try
        {
            await child.WaitForAddressAsync(timeout.Token);
            return child;
        }
        catch (Exception e)
        {
            var reason = e switch
            {
                ModelServerExitedException exited => exited.Message,
                OperationCanceledException when !cancellation.IsCancellationRequested => $"it did not start listening within {pool.StartTimeout}.",
                _ => e.Message,
            };
            await child.DisposeAsync();
            if (cancellation.IsCancellationRequested)
            {
                throw;
            }
            throw new ModelUnavailableException(name, $"Model '{name}' failed to load: {reason}", null, e);
        }
    }

    /// <summary>A fresh secret for one launch: 256 random bits as hex.</summary>
    internal static string NewApiKey() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>How to start the server; <paramref name="apiKey"/> goes in its environment, which other users cannot read, unlike a command line.</summary>
    internal static ProcessStartInfo CreateStartInfo(ModelPoolOptions pool, string name, LocalModelOptions model, string apiKey = "")
    {
        var server = pool.ModelServerPath ?? Path.Combine(AppContext.BaseDirectory, "Gateway.ModelServer.dll");
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (server.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = pool.DotnetPath ?? DotnetHost();
            start.ArgumentList.Add(server);
        }
        else
        {
            start.FileName = server;
        }
        void Arg(string key, object? value)
        {
            if (value is not null && value.ToString() is { Length: > 0 } text)
            {
                start.ArgumentList.Add($"--ModelServer:{key}={text}");
            }
        }
        Arg("Path", Path.GetFullPath(model.Path));
        Arg("Name", name);
        Arg("ContextSize", model.ContextSize);
        Arg("ParallelSequences", model.ParallelSequences);
        Arg("QueueLimit", model.QueueLimit);
        Arg("GpuLayers", model.GpuLayers);
        Arg("Threads", model.Threads);
        Arg("SharedKvCache", model.SharedKvCache ? "true" : null);
        Arg("PrefixCache", model.PrefixCache ? null : "false");
        Arg("KvCacheType", model.KvCacheType);
        Arg("FlashAttention", model.FlashAttention);
        Arg("ChatTemplate", model.ChatTemplate);
        Arg("ToolFormat", model.ToolFormat);
        Arg("JsonGrammar", model.JsonGrammar);
        Arg("NativeLibraryPath", model.NativeLibraryPath);
        Arg("StallTimeout", pool.StallTimeout);
        Arg("ParentProcessId", Environment.ProcessId);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.Environment[ApiKeyVariable] = apiKey;
        if (pool.TracesEndpoint is { } traces)
        {
            // In the environment, like the key: export headers may hold a vendor's credentials.
            start.Environment[TracesEndpointVariable] = traces.ToString();
            start.Environment[TracesProtocolVariable] = pool.TracesProtocol;
            start.Environment[TracesHeadersVariable] = pool.TracesHeaders ?? "";
        }
        return start;
    }

    /// <summary>The dotnet host running this process, else the one the SDK names, else dotnet on PATH.</summary>
    internal static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
