using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>Chooses the llama.cpp native library; must run before anything touches LLamaSharp's native API.</summary>
internal static class NativeLibrarySetup
{
    public static void Configure(ModelServerOptions options, ILogger logger)
    {
        var path = options.NativeLibraryPath;
        if (!string.IsNullOrWhiteSpace(path))
        {
            if (File.Exists(path))
            {
                // The sibling ggml libraries are found by the loader next to libllama.
                NativeLibraryConfig.All.WithLibrary(path, null);
            }
            else if (Directory.Exists(path))
            {
                var candidate = System.IO.Path.Combine(path, OperatingSystem.IsWindows() ? "llama.dll" : "libllama.so");
                if (!File.Exists(candidate))
                {
                    throw new FileNotFoundException($"No llama native library in '{path}'.", candidate);
                }
                NativeLibraryConfig.All.WithLibrary(candidate, null);
            }
            else
            {
                throw new FileNotFoundException($"Native library path '{path}' does not exist.", path);
            }
        }
        else if (options.GpuLayers > 0)
        {
            NativeLibraryConfig.All.WithCuda(true).WithAutoFallback(true);
        }
        NativeLibraryConfig.All.WithLogCallback((level, message) =>
        {
            if (level is LLamaLogLevel.Error)
            {
                ModelServerLog.NativeError(logger, message.TrimEnd());
            }
        });
    }
}
