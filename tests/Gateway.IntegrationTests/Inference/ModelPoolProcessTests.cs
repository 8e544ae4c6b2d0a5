using System.Diagnostics;
using Gateway.Inference.Pool;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.Inference;

[Collection(LocalModelCollection.Name)]
public sealed class ModelPoolProcessTests(LocalModelFixture fixture)
{
    [Fact]
    public async Task KilledModelServer_RestartedAtOnceOnANewProcess()
    {
        var first = await fixture.Pool.EnsureStartedAsync("crash");
        var pid = fixture.Pool.Get("crash").ProcessId!.Value;
        var restartsBefore = fixture.Pool.Get("crash").Restarts;
        using (await fixture.ChatAsync("crash", Chat.Body("Before", 4, 1)))
        {
        }
        var restarted = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Pool.EndpointChanged += (_, e) =>
        {
            if (e.Model == "crash" && e.BaseUri is { } uri && uri != first)
            {
                restarted.TrySetResult(uri);
            }
        };

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
        }
        var second = await restarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var after = await fixture.ChatAsync("crash", Chat.Body("After", 4, 1));

        await Assert.ThrowsAsync<HttpRequestException>(() => fixture.Http.GetAsync(new Uri(first, "models")));
        Assert.Equal("length", Chat.FinishReason(after));
        var snapshot = fixture.Pool.Get("crash");
        Assert.Equal(second, snapshot.BaseUri);
        Assert.NotEqual(pid, snapshot.ProcessId);
        Assert.Equal(restartsBefore + 1, snapshot.Restarts);
    }

    [Fact]
    public async Task MissingGgufPath_FailsFastWithAClearError()
    {
        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => fixture.Pool.EnsureStartedAsync("missing"));

        // Fast: the path is checked before a process starts (a server that never came up would fail with the start timeout).
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("did not become healthy", error.Message, StringComparison.Ordinal);
        Assert.Equal(LocalModelState.Failed, fixture.Pool.Get("missing").State);
    }

    [Fact]
    public async Task NotAGgufFile_FailsWithTheLoadErrorInsteadOfHanging()
    {
        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => fixture.Pool.EnsureStartedAsync("garbage"));

        Assert.Contains("failed to load", error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 2", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The child's reason (its stderr, naming the path) goes to the log; the error callers can see has none of it.</summary>
    [Fact]
    public async Task MissingNativeLibrary_FailsWithThePathInTheLogNotInTheError()
    {
        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => fixture.Pool.EnsureStartedAsync("badlib"));

        Assert.Contains("exited with code 2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("no-cuda-build", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("no-cuda-build", fixture.Pool.Get("badlib").LastError, StringComparison.Ordinal);
        Assert.Contains(fixture.Log.Lines, l => l.Contains("no-cuda-build", StringComparison.Ordinal) && l.Contains("does not exist", StringComparison.Ordinal));
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
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(second, "models"));
        request.Headers.TryAddWithoutValidation("Authorization", pool.AuthorizationFor(second));
        using var response = await fixture.Http.SendAsync(request);
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
}
