using System.Diagnostics;
using Gateway.Inference.Pool;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.Inference;

[Collection(LocalModelCollection.Name)]
public sealed class ModelPoolProcessTests(LocalModelFixture fixture)
{
    [Fact]
    public async Task KilledModelServer_ClearErrorWhileDown_ThenRestartedOnNewProcess()
    {
        var first = await fixture.Pool.EnsureStartedAsync("crash");
        var pid = fixture.Pool.Get("crash").ProcessId!.Value;
        using (await fixture.ChatAsync("crash", Chat.Body("Before", 4, 1)))
        {
        }

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
        }
        await WaitUntil(() => fixture.Pool.Get("crash").State == LocalModelState.Failed, TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => fixture.Pool.EnsureStartedAsync("crash"));
        await Assert.ThrowsAsync<HttpRequestException>(() => fixture.Http.GetAsync(new Uri(first, "models")));

        await WaitUntil(() => fixture.Pool.Get("crash").State == LocalModelState.Ready, TimeSpan.FromSeconds(30));
        using var after = await fixture.ChatAsync("crash", Chat.Body("After", 4, 1));

        Assert.Contains("exited unexpectedly", error.Message, StringComparison.Ordinal);
        Assert.Equal("length", Chat.FinishReason(after));
        var snapshot = fixture.Pool.Get("crash");
        Assert.NotEqual(pid, snapshot.ProcessId);
        Assert.Equal(1, snapshot.Restarts);
    }

    [Fact]
    public async Task MissingGgufPath_FailsFastWithAClearError()
    {
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => fixture.Pool.EnsureStartedAsync("missing"));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Equal(LocalModelState.Failed, fixture.Pool.Get("missing").State);
    }

    [Fact]
    public async Task NotAGgufFile_FailsWithTheLoadErrorInsteadOfHanging()
    {
        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => fixture.Pool.EnsureStartedAsync("garbage"));

        Assert.Contains("failed to load", error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingNativeLibrary_FailsWithThePathInTheError()
    {
        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => fixture.Pool.EnsureStartedAsync("badlib"));

        Assert.Contains("no-cuda-build", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmallMemoryBudget_StartingASecondModel_EvictsTheLeastRecentlyUsed()
    {
        var size = new FileInfo(fixture.ModelPath).Length;
        await using var services = LocalModelFixture.BuildPool(null, new()
        {
            ["Gateway:Pool:MemoryBudgetBytes"] = (size * 3 / 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:Pool:MemoryFactor"] = "1.0",
            ["Gateway:Models:first:Path"] = fixture.ModelPath,
            ["Gateway:Models:second:Path"] = fixture.ModelPath,
        });
        var pool = services.GetRequiredService<ModelPool>();

        await pool.EnsureStartedAsync("first");
        var firstPid = pool.Get("first").ProcessId!.Value;
        var second = await pool.EnsureStartedAsync("second");

        Assert.Equal(LocalModelState.Unloaded, pool.Get("first").State);
        Assert.Equal(LocalModelState.Ready, pool.Get("second").State);
        Assert.Equal(size, pool.Get("second").MemoryBytes);
        Assert.True(HasExited(firstPid));
        using var response = await fixture.Http.GetAsync(new Uri(second, "models"));
        Assert.True(response.IsSuccessStatusCode);
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(20);
        }
    }
}
