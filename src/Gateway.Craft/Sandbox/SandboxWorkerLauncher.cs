using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Gateway.Craft.Worker;

namespace Gateway.Craft.Sandbox;

/// <summary>How a worker process is started: which file, with which host, in which environment.</summary>
internal static class SandboxWorkerLauncher
{
    /// <summary>The worker's file name; the build and the publish step put it beside the gateway.</summary>
    public const string WorkerFileName = "Gateway.Craft.Worker.dll";

    // What the dotnet host needs to find the runtime and a temp folder; the rest of the gateway's environment
    // (keys, connection strings) is none of the worker's business.
    private static readonly string[] InheritedVariables = ["PATH", "HOME", "TMPDIR", "DOTNET_ROOT", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64"];

    /// <summary><see cref="SandboxOptions.WorkerPath"/>, else the worker beside the gateway's own assemblies.</summary>
    public static string WorkerPath(SandboxOptions options) =>
        Path.GetFullPath(options.WorkerPath ?? Path.Combine(AppContext.BaseDirectory, WorkerFileName));

    public static ProcessStartInfo CreateStartInfo(SandboxOptions options)
    {
        var path = WorkerPath(options);
        if (!File.Exists(path))
        {
            throw new SandboxWorkerException($"The sandbox worker '{path}' does not exist; set Gateway:Craft:Sandbox:WorkerPath.");
        }

        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = DotnetHost();
            start.ArgumentList.Add(path);
        }
        else
        {
            start.FileName = path;
        }

        foreach (var name in start.Environment.Keys.ToList())
        {
            if (!InheritedVariables.Contains(name, StringComparer.Ordinal))
            {
                start.Environment.Remove(name);
            }
        }

        // The cap that makes an allocation past it fail inside the worker, whichever built-in makes it.
        start.Environment["DOTNET_GCHeapHardLimit"] = options.WorkerMemoryLimitBytes.ToString("x", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return start;
    }

    /// <summary>The limits the worker applies to every run.</summary>
    public static WorkerLimits Limits(SandboxOptions options) => new()
    {
        Timeout = options.Timeout,
        MemoryLimitBytes = options.MemoryLimitBytes,
        MaxStatements = options.MaxStatements,
        MaxRecursionDepth = options.MaxRecursionDepth,
        MaxArrayLength = options.MaxArrayLength,
        MaxStringLength = options.MaxStringLength,
        RegexTimeout = options.RegexTimeout,
        MaxOutputChars = options.MaxOutputChars,
        MaxJsonDepth = options.MaxJsonDepth,
    };

    /// <summary>The largest reply a worker may send: the output (every character escaped) and a short message.</summary>
    public static int MaxReplyBytes(SandboxOptions options) => (int)Math.Min(int.MaxValue, (6L * options.MaxOutputChars) + (64 * 1024));

    /// <summary>The dotnet host running this process, else the one the SDK names, else the one beside the runtime, else dotnet on PATH.</summary>
    internal static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        // The runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/, the host in <root>: this covers a
        // gateway started through its own executable rather than `dotnet Gateway.Host.dll`.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var beside = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(beside) ? beside : "dotnet";
    }
}
