using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Inference.Pool;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// A ModelServer that stops answering (a real hang: the process is stopped with SIGSTOP) is found by the pool's
/// health checks, killed and restarted; the request it held fails with a 503 and the next one is served.
/// </summary>
public sealed class LocalModelHangTests : IAsyncLifetime
{
    private readonly ListLoggerProvider _log = new(capacity: 5000);
    private readonly string _directory = Directory.CreateTempSubdirectory("local-model-hang-").FullName;
    private GatewayTestHost _gateway = null!;

    public async Task InitializeAsync()
    {
        var model = Path.Combine(_directory, "tiny.gguf");
        global::Gateway.Inference.Gguf.TinyModel.Write(model);
        _gateway = await LocalModelSafetyFixture.StartGatewayAsync(_log, new()
        {
            ["Gateway:Models:tiny:Path"] = model,
            ["Gateway:Models:tiny:ContextSize"] = "16384",
            // The supervisor's probe times out on the real clock (a stopped child answers nothing); the timeout is
            // generous so a busy machine's slow answer before the stop is not taken for the hang.
            ["Gateway:Pool:HealthInterval"] = "00:00:00.250",
            ["Gateway:Pool:HealthTimeout"] = "00:00:03",
            ["Gateway:Pool:HealthFailuresBeforeRestart"] = "2",
        }, _directory);
    }

    [Fact]
    public async Task Chat_ModelServerStopped_RestartedByTheSupervisor_HeldRequest503_NextServed()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No SIGSTOP.
        }
        using var http = _gateway.CreateClient(LocalModelSafetyFixture.AliceKey);
        var pool = _gateway.Services.GetRequiredService<ModelPool>();
        using (var first = await http.PostAsJsonAsync("/v1/chat/completions", Chat.Body("Before", 2, 1)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        var stopped = pool.Get("tiny");
        var restarted = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.EndpointChanged += (_, e) =>
        {
            if (e.Model == "tiny" && e.BaseUri is { } uri && uri != stopped.BaseUri)
            {
                restarted.TrySetResult(uri);
            }
        };

        // A long generation holds a sequence; once the server reports it decoding, the process is stopped.
        var held = http.PostAsJsonAsync("/v1/chat/completions", Chat.Body("Long story", 16000, 1, new { logit_bias = Chat.NoEnd }));
        // The child announces nothing the test can await: its health endpoint is read through one bounded poll.
        await Poll.UntilAsync(async () =>
        {
            Assert.False(held.IsCompleted, "the long request ended before the server was stopped");
            return (await pool.ReadHealthAsync("tiny"))?.Active is 1;
        }, "the long request never started decoding");
        await StopAsync(stopped.ProcessId!.Value);

        var newUri = await restarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var heldResponse = await held;
        var heldError = (await heldResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        using var next = await http.PostAsJsonAsync("/v1/chat/completions", Chat.Body("After", 4, 1));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, heldResponse.StatusCode);
        Assert.Equal("model_unavailable", heldError.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var after = pool.Get("tiny");
        Assert.Equal(newUri, after.BaseUri);
        Assert.NotEqual(stopped.ProcessId, after.ProcessId);
        Assert.Equal(1, after.Restarts);
        Assert.Contains(_log.Lines, l => l.Contains("Restarting local model tiny", StringComparison.Ordinal));
    }

    /// <summary>Stops the process (SIGSTOP): it keeps its port and its connections but never answers again.</summary>
    private static async Task StopAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-STOP", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
