using Gateway.Inference.Pool;

namespace Gateway.UnitTests.Inference.Pool;

public sealed class ModelServerLauncherTests
{
    [Fact]
    public void CreateStartInfo_DllServer_RunsItWithTheDotnetHostAndPassesTheModelOptions()
    {
        var pool = new ModelPoolOptions { ModelServerPath = "/opt/gw/Gateway.ModelServer.dll", DotnetPath = "/usr/bin/dotnet" };
        var model = new LocalModelOptions
        {
            Path = "/models/m.gguf",
            ContextSize = 4096,
            ParallelSequences = 2,
            GpuLayers = 10,
            NativeLibraryPath = "/opt/cuda",
            Threads = 3,
            SharedKvCache = true,
            KvCacheType = "q8_0",
            FlashAttention = "on",
            PrefixCache = false,
        };

        var start = ModelServerLauncher.CreateStartInfo(pool, "m", model);

        Assert.Equal("/usr/bin/dotnet", start.FileName);
        Assert.Equal("/opt/gw/Gateway.ModelServer.dll", start.ArgumentList[0]);
        Assert.Contains("--ModelServer:Path=/models/m.gguf", start.ArgumentList);
        Assert.Contains("--ModelServer:Name=m", start.ArgumentList);
        Assert.Contains("--ModelServer:ContextSize=4096", start.ArgumentList);
        Assert.Contains("--ModelServer:ParallelSequences=2", start.ArgumentList);
        Assert.Contains("--ModelServer:GpuLayers=10", start.ArgumentList);
        Assert.Contains("--ModelServer:Threads=3", start.ArgumentList);
        Assert.Contains("--ModelServer:SharedKvCache=true", start.ArgumentList);
        Assert.Contains("--ModelServer:KvCacheType=q8_0", start.ArgumentList);
        Assert.Contains("--ModelServer:FlashAttention=on", start.ArgumentList);
        Assert.Contains("--ModelServer:PrefixCache=false", start.ArgumentList);
        Assert.Contains("--ModelServer:NativeLibraryPath=/opt/cuda", start.ArgumentList);
        Assert.Contains($"--ModelServer:ParentProcessId={Environment.ProcessId}", start.ArgumentList);
        Assert.Contains("--urls=http://127.0.0.1:0", start.ArgumentList);
        Assert.DoesNotContain(start.ArgumentList, a => a.StartsWith("--ModelServer:ChatTemplate", StringComparison.Ordinal));
    }

    [Fact]
    public void CreateStartInfo_ApiKey_GoesInTheEnvironmentNeverOnTheCommandLine()
    {
        var key = ModelServerLauncher.NewApiKey();

        var start = ModelServerLauncher.CreateStartInfo(new ModelPoolOptions(), "m", new LocalModelOptions { Path = "/m.gguf" }, key);

        Assert.Equal(key, start.Environment[ModelServerLauncher.ApiKeyVariable]);
        Assert.DoesNotContain(start.ArgumentList, a => a.Contains(key, StringComparison.Ordinal));
        Assert.Equal(64, key.Length); // 32 random bytes as hex.
        Assert.NotEqual(key, ModelServerLauncher.NewApiKey());
    }

    [Fact]
    public void CreateStartInfo_NoConfiguredPath_UsesTheModelServerBesideThisAssembly()
    {
        var start = ModelServerLauncher.CreateStartInfo(new ModelPoolOptions(), "m", new LocalModelOptions { Path = "/m.gguf" });

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "Gateway.ModelServer.dll"), start.ArgumentList[0]);
        Assert.True(File.Exists(start.ArgumentList[0]), "the ModelServer should be built beside its referencing project");
        // The prefix cache is the model server's default, so it is not passed.
        Assert.DoesNotContain(start.ArgumentList, a => a.StartsWith("--ModelServer:PrefixCache", StringComparison.Ordinal));
    }

    [Fact]
    public void CreateStartInfo_ExecutableServer_RunsItDirectly()
    {
        var start = ModelServerLauncher.CreateStartInfo(new ModelPoolOptions { ModelServerPath = "/opt/gw/Gateway.ModelServer" }, "m", new LocalModelOptions { Path = "/m.gguf" });

        Assert.Equal("/opt/gw/Gateway.ModelServer", start.FileName);
        Assert.StartsWith("--ModelServer:Path=", start.ArgumentList[0], StringComparison.Ordinal);
    }
}
