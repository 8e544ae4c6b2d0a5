using System.Net;
using System.Net.Sockets;
using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Gateway.Agents.Tools.BuiltIn;
using Gateway.TestUtilities;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.SemanticKernel;

namespace Gateway.IntegrationTests.Agents;

/// <summary>
/// The <c>http_get</c> tool against real Kestrel servers on loopback. The servers are internal addresses, so the
/// tests that fetch from them turn <c>AllowPrivateAddresses</c> on; the refusals run with it off, and a test that
/// needs a "public" server resolves a name to a documentation address (203.0.113.7) and dials that to loopback.
/// </summary>
public sealed class HttpGetToolTests : IAsyncLifetime
{
    private static readonly IPAddress PublicAddress = IPAddress.Parse("203.0.113.7");
    private FakeUpstream _server = null!;
    private FakeUpstream _other = null!;

    private int Port => _server.BaseUrl.Port;

    public async Task InitializeAsync()
    {
        _server = await FakeUpstream.StartAsync("http-get");
        _other = await FakeUpstream.StartAsync("http-get-other");
        _server.Handler = context => context.Response.WriteAsync("hello from the server");
        _other.Handler = context => context.Response.WriteAsync("hello from the other server");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _other.DisposeAsync();
    }

    [Fact]
    public async Task HttpGet_PrivateAddressesAllowed_FetchesFromTheLocalServer()
    {
        var outcome = await FetchAsync(new() { AllowedHosts = [$"127.0.0.1:{Port}"], AllowPrivateAddresses = true }, $"http://127.0.0.1:{Port}/page");

        Assert.Equal((ToolStatus.Ok, "hello from the server"), (outcome.Status, outcome.Output));
        Assert.Equal("/page", Assert.Single(_server.Requests).Path);
    }

    [Fact]
    public async Task HttpGet_AllowListedNameResolvingToLoopback_RefusedBeforeAnyRequest()
    {
        var outcome = await FetchAsync(new() { AllowedHosts = [$"localhost:{Port}"] }, $"http://localhost:{Port}/");

        Assert.Equal(ToolStatus.Error, outcome.Status);
        Assert.Contains("loopback address; http_get fetches public addresses only", outcome.Output);
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task HttpGet_LoopbackLiteral_RefusedBeforeAnyRequest(string host)
    {
        var outcome = await FetchAsync(new() { AllowedHosts = [$"{host}:{Port}"] }, $"http://{host}:{Port}/");

        Assert.Equal(ToolStatus.Error, outcome.Status);
        Assert.Contains("loopback address", outcome.Output);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task HttpGet_AllowedHostOnAnotherPort_Refused()
    {
        // "127.0.0.1" without a port allows port 80 for http only.
        var outcome = await FetchAsync(new() { AllowedHosts = ["127.0.0.1"], AllowPrivateAddresses = true }, $"http://127.0.0.1:{Port}/");

        Assert.Equal(ToolStatus.Error, outcome.Status);
        Assert.Contains($"'127.0.0.1:{Port}' are not on the allow list", outcome.Output);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task HttpGet_RedirectToAnAllowedHost_Followed()
    {
        _server.Handler = context => { context.Response.Redirect($"http://localhost:{_other.BaseUrl.Port}/next"); return Task.CompletedTask; };
        var options = new HttpGetOptions { AllowedHosts = [$"127.0.0.1:{Port}", $"localhost:{_other.BaseUrl.Port}"], AllowPrivateAddresses = true };

        var outcome = await FetchAsync(options, $"http://127.0.0.1:{Port}/");

        Assert.Equal((ToolStatus.Ok, "hello from the other server"), (outcome.Status, outcome.Output));
    }

    [Fact]
    public async Task HttpGet_RedirectToAHostNotAllowed_RefusedWithoutFetchingIt()
    {
        _server.Handler = context => { context.Response.Redirect($"http://localhost:{_other.BaseUrl.Port}/next"); return Task.CompletedTask; };

        var outcome = await FetchAsync(new() { AllowedHosts = [$"127.0.0.1:{Port}"], AllowPrivateAddresses = true }, $"http://127.0.0.1:{Port}/");

        Assert.Equal(ToolStatus.Error, outcome.Status);
        Assert.Contains($"redirects to 'http://localhost:{_other.BaseUrl.Port}/next'", outcome.Output);
        Assert.Single(_server.Requests);
        Assert.Empty(_other.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("internal.example")]
    public async Task HttpGet_RedirectToAPrivateAddress_RefusedWithoutFetchingIt(string target)
    {
        // The first hop is "public" (a documentation address dialled to the loopback server); it redirects to an
        // allow-listed host that is, or resolves to, loopback: the connection to it is refused.
        var port = _other.BaseUrl.Port;
        _server.Handler = context => { context.Response.Redirect($"http://{target}:{port}/next"); return Task.CompletedTask; };
        var plugin = Plugin(["public.example", $"{target}:{port}"], (host, _) => Task.FromResult<IPAddress[]>(
            host == "public.example" ? [PublicAddress] : [IPAddress.Loopback]));

        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => plugin.GetAsync("http://public.example/"));

        Assert.Contains("loopback address", error.Message);
        Assert.Single(_server.Requests);
        Assert.Empty(_other.Requests);
    }

    [Fact]
    public async Task HttpGet_NameRebindsToLoopback_NextConnectionRefused()
    {
        // Each answer is used once: the first connection gets the public address, the next one loopback.
        var answers = new Queue<IPAddress>([PublicAddress, IPAddress.Loopback]);
        _server.Handler = context =>
        {
            context.Response.Headers.Connection = "close";
            return context.Response.WriteAsync("first answer");
        };
        var plugin = Plugin(["rebind.example"], (_, _) => Task.FromResult<IPAddress[]>([answers.Dequeue()]));

        var first = await plugin.GetAsync("http://rebind.example/");
        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => plugin.GetAsync("http://rebind.example/"));

        Assert.Equal("first answer", first);
        Assert.Contains("at 127.0.0.1, a loopback address", error.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task HttpGet_ServerNeverAnswers_TimesOutAfterTheConfiguredTimeout()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Handler = async context =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };
        var time = new FakeTimeProvider();
        // Longer than the invoker's real 2-minute cap (FetchAsync): only the fake clock can end the fetch with this message.
        var options = new HttpGetOptions { AllowedHosts = [$"127.0.0.1:{Port}"], AllowPrivateAddresses = true, Timeout = TimeSpan.FromMinutes(4) };

        var fetch = FetchAsync(options, $"http://127.0.0.1:{Port}/", time);
        await arrived.Task;
        time.Advance(TimeSpan.FromMinutes(4));
        var outcome = await fetch;

        Assert.Equal(ToolStatus.Error, outcome.Status);
        Assert.Contains("did not answer within 240 s", outcome.Output);
    }

    [Fact]
    public async Task HttpGet_BodyStallsAfterHeaders_TimesOutAfterTheConfiguredTimeout()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Handler = async context =>
        {
            await context.Response.WriteAsync("the start of a body that never ends");
            await context.Response.Body.FlushAsync();
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };
        var time = new FakeTimeProvider();
        var options = new HttpGetOptions { AllowedHosts = [$"127.0.0.1:{Port}"], AllowPrivateAddresses = true, Timeout = TimeSpan.FromMinutes(3) };

        var fetch = FetchAsync(options, $"http://127.0.0.1:{Port}/", time);
        await started.Task;
        time.Advance(TimeSpan.FromMinutes(3));
        var outcome = await fetch;

        Assert.Equal(ToolStatus.Error, outcome.Status);
        Assert.Contains("did not answer within 180 s", outcome.Output);
    }

    [Fact]
    public async Task HttpGet_LargeBody_ReturnsMaxResponseChars()
    {
        _server.Handler = context => context.Response.WriteAsync(new string('x', 1_000_000));

        var outcome = await FetchAsync(new() { AllowedHosts = [$"127.0.0.1:{Port}"], AllowPrivateAddresses = true, MaxResponseChars = 1234 }, $"http://127.0.0.1:{Port}/");

        Assert.Equal((ToolStatus.Ok, 1234), (outcome.Status, outcome.Output.Length));
    }

    /// <summary>The tool as agents get it: from the built-in source, called through the tool invoker.</summary>
    private static async Task<ToolOutcome> FetchAsync(HttpGetOptions options, string url, TimeProvider? time = null)
    {
        using var source = new BuiltInToolSource(new FixedOptions(new ToolsOptions { Http = options }), time ?? TimeProvider.System,
            new HostingEnvironment { ContentRootPath = AppContext.BaseDirectory }, NullLogger<BuiltInToolSource>.Instance);
        var plugins = await source.GetPluginsAsync(CancellationToken.None);
        var function = plugins.Single(p => p.Name == "http")["http_get"];
        return await ToolInvoker.InvokeAsync(new Kernel(), new AgentTool("http_get", "builtin", function), new KernelArguments { ["url"] = url },
            TimeSpan.FromMinutes(2), CancellationToken.None);
    }

    /// <summary>The plugin with private addresses refused, a test resolver, and the "public" address dialled to the first server.</summary>
    private HttpGetPlugin Plugin(string[] allowedHosts, HostResolver resolve)
    {
        var connector = new HttpGetConnector(allowPrivateAddresses: false, resolve, async (endpoint, cancellationToken) =>
        {
            var target = endpoint.Address.Equals(PublicAddress) ? new IPEndPoint(IPAddress.Loopback, Port) : endpoint;
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(target, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        });
        return new HttpGetPlugin(connector.CreateClient(), HttpGetAllowList.Parse(allowedHosts), 4000, TimeSpan.FromSeconds(30), TimeProvider.System);
    }

    private sealed class FixedOptions(ToolsOptions value) : IOptionsMonitor<ToolsOptions>
    {
        public ToolsOptions CurrentValue => value;

        public ToolsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ToolsOptions, string?> listener) => null;
    }
}
