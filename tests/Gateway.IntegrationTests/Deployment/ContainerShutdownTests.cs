using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>What Kubernetes does when it stops a pod: SIGTERM to the container's process.</summary>
public sealed class ContainerShutdownTests
{
    [Fact]
    public async Task EntryPoint_SigtermDuringAStream_FinishesTheStreamThenExitsCleanly()
    {
        await using var upstream = await FakeUpstream.StartAsync("upstream");
        upstream.StreamGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var config = Directory.CreateTempSubdirectory("gateway-shutdown-config-");
        try
        {
            const string Key = "sk-shutdown-test";
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Key)));
            var models = new JsonObject
            {
                ["Gateway"] = new JsonObject
                {
                    ["Models"] = new JsonObject { ["m"] = new JsonObject { ["BaseUrl"] = upstream.BaseUrl.ToString() } },
                    // The image accepts no development key: the operator configures one.
                    ["Keys"] = new JsonObject { ["test"] = new JsonObject { ["Hash"] = hash } },
                },
            };
            await File.WriteAllTextAsync(Path.Combine(config.FullName, "models.json"), models.ToJsonString());
            var port = LoopbackPorts.Free();
            var baseAddress = new Uri($"http://127.0.0.1:{port}/");
            await using var gateway = ContainerProcess.Start(ContainerProcess.Environment(new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Gateway__ConfigDirectory"] = config.FullName,
            }));
            await gateway.WaitUntilServingAsync(new Uri(baseAddress, "/health"), TimeSpan.FromSeconds(60));

            using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"""),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            var received = new StringBuilder();
            var buffer = new byte[4096];
            while (!received.ToString().Contains("Hello", StringComparison.Ordinal))
            {
                var read = await body.ReadAsync(buffer);
                Assert.True(read > 0, "the stream ended before its first chunk");
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            // The entry point execs dotnet, so the signal reaches the gateway itself.
            using (var kill = Process.Start("kill", ["-TERM", gateway.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            // The host says it is stopping once the signal reached it; it then waits for the open stream to finish.
            await gateway.WhenOutputAsync("Application is shutting down").WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(gateway.HasExited, "the gateway exited with a stream still open");
            upstream.StreamGate.SetResult();

            int last;
            while ((last = await body.ReadAsync(buffer)) > 0)
            {
                received.Append(Encoding.UTF8.GetString(buffer, 0, last));
            }

            Assert.Contains("data: [DONE]", received.ToString(), StringComparison.Ordinal);
            Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            config.Delete(recursive: true);
        }
    }
}
