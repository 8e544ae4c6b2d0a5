using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Telemetry;
using Gateway.IntegrationTests.Routing;
using Gateway.TestUtilities;
using Gateway.TestUtilities.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Gateway.IntegrationTests.Telemetry;

/// <summary>
/// OpenTelemetry tracing through real gateways: each test sends its own <c>traceparent</c>, so it reads only its own
/// trace even while other tests' gateways create spans, and waits for the span that ends last (a signal) before reading.
/// </summary>
public sealed class TracingTests : IClassFixture<RoutingFixture>
{
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(60);
    private readonly RoutingFixture _routing;

    public TracingTests(RoutingFixture routing) => _routing = routing;

    [Fact]
    public async Task RoutedChat_FirstCandidateFails_SpanTreeShowsRouteRetriesAndFallback()
    {
        await using var sink = await OtlpTraceReceiver.StartAsync();
        await using var math = await FakeUpstream.StartAsync("math-upstream");
        await using var word = await FakeUpstream.StartAsync("word-upstream");
        math.Handler = context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        };
        var spans = new SignalingSpanExporter();
        await using var gateway = await StartTracedAsync(sink, spans, new Dictionary<string, string?>
        {
            ["Gateway:Models:mathbot:BaseUrl"] = math.BaseUrl.ToString(),
            ["Gateway:Models:mathbot:InputPricePerMTok"] = "0.1",
            ["Gateway:Models:mathbot:MaxRetries"] = "1",
            ["Gateway:Models:wordbot:BaseUrl"] = word.BaseUrl.ToString(),
            ["Gateway:Models:wordbot:InputPricePerMTok"] = "5",
            ["Gateway:Routing:ArtifactDirectory"] = _routing.ArtifactDirectory,
        });

        var (trace, parent) = NewTraceParent();
        using var response = await PostChatAsync(gateway, "auto", RoutingDataset.ArithmeticPrompt(1001), trace, parent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var server = await WaitForServerSpanAsync(spans, trace, parent);

        var tree = spans.Trace(trace);
        var request = Assert.Single(tree, s => s.ParentSpanId == server.SpanId);
        Assert.Equal("chat auto", request.DisplayName);
        Assert.Equal("chat", request.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("auto", request.GetTagItem("gen_ai.request.model"));
        Assert.Equal("wordbot", request.GetTagItem("gen_ai.response.model"));
        var route = Assert.Single(tree, s => s.DisplayName == "route");
        Assert.Equal(request.SpanId, route.ParentSpanId);
        Assert.Equal(["mathbot", "wordbot"], (string[])route.GetTagItem("gateway.route.candidates")!);
        Assert.Equal(2, ((double[])route.GetTagItem("gateway.route.scores")!).Length);
        Assert.Equal("default", route.GetTagItem("gateway.route.profile"));

        // One span per upstream attempt: MaxRetries 1, so the failing model is tried twice (each try a span with the
        // upstream's status, the second with the reason the model was given up), then the spare once.
        var attempts = tree.Where(s => s.ParentSpanId == request.SpanId && s.DisplayName.StartsWith("upstream ", StringComparison.Ordinal)).OrderBy(s => s.StartTimeUtc).ToArray();
        Assert.Equal(["upstream mathbot", "upstream mathbot", "upstream wordbot"], attempts.Select(s => s.DisplayName));
        Assert.Equal([1, 2, 1], attempts.Select(s => (int)s.GetTagItem("gateway.upstream.try")!));
        Assert.Equal([0, 0, 1], attempts.Select(s => (int)s.GetTagItem("gateway.candidate.index")!));
        Assert.All(attempts[..2], t => Assert.Equal((503, ActivityStatusCode.Error), ((int)t.GetTagItem("http.response.status_code")!, t.Status)));
        Assert.Null(attempts[0].GetTagItem("gateway.fallback.reason"));
        Assert.Equal("upstream_error", attempts[1].GetTagItem("gateway.fallback.reason"));
        Assert.Equal((200, ActivityStatusCode.Unset), ((int)attempts[2].GetTagItem("http.response.status_code")!, attempts[2].Status));
        // The answering try lasts while its answer streams, so the usage read from it is on it, as on the request.
        Assert.Equal((request.GetTagItem("gen_ai.usage.input_tokens"), request.GetTagItem("gen_ai.usage.output_tokens")),
            (attempts[2].GetTagItem("gen_ai.usage.input_tokens"), attempts[2].GetTagItem("gen_ai.usage.output_tokens")));
        Assert.NotNull(attempts[2].GetTagItem("gen_ai.usage.output_tokens"));
        // Each upstream was told, as its parent, the span of its own try: no HttpClient span sits between them.
        Assert.DoesNotContain(tree, s => s.Source.Name == "System.Net.Http");
        Assert.Equal(attempts[..2].Select(a => $"00-{trace}-{a.SpanId}-01"), math.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => r.Headers["traceparent"]));
        Assert.Equal($"00-{trace}-{attempts[2].SpanId}-01", Assert.Single(word.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Headers["traceparent"]);
    }

    [Fact]
    public async Task AgentRun_TwoTools_RoleCallsAndToolCallsAreSpansOfTheRequestTrace()
    {
        await using var sink = await OtlpTraceReceiver.StartAsync();
        await using var roles = await FakeUpstream.StartAsync("roles");
        roles.Handler = context => AnswerRoleAsync(context, FakeUpstream.RecordedOf(context));
        var spans = new SignalingSpanExporter();
        await using var gateway = await StartTracedAsync(sink, spans, new Dictionary<string, string?>
        {
            ["Gateway:Routing:ArtifactDirectory"] = Path.Combine(Path.GetTempPath(), "no-router-" + Guid.NewGuid()),
            ["Gateway:Models:planner-m:BaseUrl"] = roles.BaseUrl.ToString(),
            ["Gateway:Models:solver-m:BaseUrl"] = roles.BaseUrl.ToString(),
            ["Gateway:Agents:two-tools:Kind"] = "rewoo",
            ["Gateway:Agents:two-tools:Prompts:Style"] = "paper",
            ["Gateway:Agents:two-tools:Tools:0"] = "calculator",
            ["Gateway:Agents:two-tools:Tools:1"] = "clock",
            ["Gateway:Agents:two-tools:Roles:planner:Model"] = "planner-m",
            ["Gateway:Agents:two-tools:Roles:solver:Model"] = "solver-m",
        });

        var (trace, parent) = NewTraceParent();
        using var response = await PostChatAsync(gateway, "agent:two-tools", "What is 6 * 7, and what time is it?", trace, parent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var server = await WaitForServerSpanAsync(spans, trace, parent);

        var tree = spans.Trace(trace);
        var request = Assert.Single(tree, s => s.ParentSpanId == server.SpanId);
        Assert.Equal("chat agent:two-tools", request.DisplayName);
        var tools = tree.Where(s => s.GetTagItem("gen_ai.operation.name") as string == "execute_tool").ToArray();
        Assert.Equal(["calculator", "clock"], tools.Select(t => (string)t.GetTagItem("gen_ai.tool.name")!).Order());
        Assert.All(tools, t => Assert.True(IsUnder(tree, t, request), t.DisplayName));
        var roleCalls = tree.Where(s => s.GetTagItem("gateway.agent.role") is not null).ToArray();
        Assert.Equal(["planner", "solver"], roleCalls.Select(r => (string)r.GetTagItem("gateway.agent.role")!).Order());
        // Each role's model call came back through the front door: its request span sits under the role's span.
        foreach (var role in roleCalls)
        {
            var model = (string)role.GetTagItem("gen_ai.request.model")!;
            var inner = Assert.Single(tree, s => s.DisplayName == "chat " + model);
            Assert.True(IsUnder(tree, inner, role), Dump(tree));
        }
    }

    [Fact]
    public async Task LocalModelChat_TracingOn_ModelServerSpanJoinsTheGatewayTrace()
    {
        await using var sink = await OtlpTraceReceiver.StartAsync();
        var directory = Directory.CreateTempSubdirectory("gateway-traced-local-").FullName;
        var model = Path.Combine(directory, "tiny.gguf");
        Gateway.Inference.Gguf.TinyModel.Write(model);
        var spans = new SignalingSpanExporter();
        await using var gateway = await StartTracedAsync(sink, spans, new Dictionary<string, string?>
        {
            ["Gateway:Pool:StartTimeout"] = "00:01:00",
            ["Gateway:Routing:ArtifactDirectory"] = Path.Combine(directory, "no-router"),
            ["Gateway:Models:tiny:Provider"] = "local",
            ["Gateway:Models:tiny:Path"] = model,
            ["Gateway:Models:tiny:ContextSize"] = "2048",
        });

        var (trace, parent) = NewTraceParent();
        using var response = await PostChatAsync(gateway, "tiny", "hello", trace, parent, maxTokens: 4);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitForServerSpanAsync(spans, trace, parent);

        // The model server exports on its own schedule; its span arrives at the receiver in the same trace.
        var served = await sink.WaitForAsync(s => s.ServiceName == "gateway-modelserver" && s.TraceId == trace.ToHexString()).WaitAsync(Backstop);
        var tree = spans.Trace(trace);
        var tryToServer = Assert.Single(tree, s => s.GetTagItem("gateway.upstream.try") is not null);
        Assert.Equal(tryToServer.SpanId.ToHexString(), served.ParentSpanId);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task HealthProbeThenChat_TracingOn_ProbeNotTracedChatServerSpanHasHttpAttributes()
    {
        await using var sink = await OtlpTraceReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync("plain");
        var spans = new SignalingSpanExporter();
        await using var gateway = await StartTracedAsync(sink, spans, new Dictionary<string, string?>
        {
            ["Gateway:Routing:ArtifactDirectory"] = Path.Combine(Path.GetTempPath(), "no-router-" + Guid.NewGuid()),
            ["Gateway:Models:m:BaseUrl"] = upstream.BaseUrl.ToString(),
        });
        using var client = gateway.CreateClient();
        var (probeTrace, probeParent) = NewTraceParent();
        using var probe = new HttpRequestMessage(HttpMethod.Get, "/health");
        probe.Headers.Add("traceparent", $"00-{probeTrace}-{probeParent}-01");
        using var probed = await client.SendAsync(probe);

        var (trace, parent) = NewTraceParent();
        using var response = await PostChatAsync(gateway, "m", "hi", trace, parent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var server = await WaitForServerSpanAsync(spans, trace, parent);

        // ASP.NET Core's own HTTP attributes on its server span; the probe, though its caller sampled it, left none.
        Assert.Equal(("POST", "/v1/chat/completions", (object)200),
            (server.GetTagItem("http.request.method"), server.GetTagItem("url.path"), server.GetTagItem("http.response.status_code")));
        Assert.Equal(HttpStatusCode.OK, probed.StatusCode);
        Assert.Empty(spans.Trace(probeTrace));

        // The gateway's own exporter sent the same spans to the OTLP receiver: the server span with its attributes,
        // flagged as sampled under a remote parent, and the request span under it.
        var exported = await sink.WaitForAsync(s => s.SpanId == server.SpanId.ToHexString()).WaitAsync(Backstop);
        Assert.Equal(("Microsoft.AspNetCore", 2, parent.ToHexString(), 0x301u), (exported.Scope, exported.Kind, exported.ParentSpanId, exported.Flags));
        Assert.Contains("http.request.method=s:POST", exported.Attributes);
        Assert.Contains("http.response.status_code=i:200", exported.Attributes);
        var request = await sink.WaitForAsync(s => s.ParentSpanId == server.SpanId.ToHexString()).WaitAsync(Backstop);
        Assert.Equal(("Gateway", "chat m"), (request.Scope, request.Name));
        Assert.Contains("gen_ai.request.model=s:m", request.Attributes);
        Assert.DoesNotContain(sink.Spans, s => s.TraceId == probeTrace.ToHexString());
    }

    [Fact]
    public async Task Chat_NoEndpointConfigured_NoTracerAndNoListener()
    {
        await using var upstream = await FakeUpstream.StartAsync("plain");
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?> { ["Gateway:Models:m:BaseUrl"] = upstream.BaseUrl.ToString() });
        using var client = gateway.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(gateway.Services.GetService<TracerProvider>());
        // No listener: StartActivity returns null at every call site, so no request creates a span.
        Assert.False(GatewayTracing.Source.HasListeners());
    }

    private static Task<GatewayTestHost> StartTracedAsync(OtlpTraceReceiver sink, SignalingSpanExporter spans, Dictionary<string, string?> settings)
    {
        settings["Gateway:Telemetry:Otlp:Endpoint"] = sink.BaseUrl.ToString();
        return GatewayTestHost.StartAsync(settings, configure: builder =>
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(spans))));
    }

    private static (ActivityTraceId Trace, ActivitySpanId Parent) NewTraceParent() => (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());

    private static async Task<HttpResponseMessage> PostChatAsync(GatewayTestHost gateway, string model, string prompt, ActivityTraceId trace, ActivitySpanId parent, int? maxTokens = null)
    {
        using var client = gateway.CreateClient();
        client.Timeout = Backstop;
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        };
        if (maxTokens is { } max)
        {
            body["max_tokens"] = max;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("traceparent", $"00-{trace}-{parent}-01");
        return await client.SendAsync(request);
    }

    /// <summary>The gateway's server span for the test's request: it ends after every span inside the request.</summary>
    private static Task<Activity> WaitForServerSpanAsync(SignalingSpanExporter spans, ActivityTraceId trace, ActivitySpanId parent) =>
        spans.WaitForAsync(s => s.TraceId == trace && s.ParentSpanId == parent && s.Kind == ActivityKind.Server).WaitAsync(Backstop);

    private static string Dump(IReadOnlyList<Activity> tree) =>
        string.Join("\n", tree.Select(s => $"{s.Source.Name} {s.DisplayName} {s.SpanId} <- {s.ParentSpanId}"));

    private static bool IsUnder(IReadOnlyList<Activity> tree, Activity span, Activity ancestor)
    {
        var current = span;
        for (var depth = 0; depth < 64 && current is not null; depth++)
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }

            current = tree.FirstOrDefault(s => s.SpanId == current.ParentSpanId);
        }

        return false;
    }

    private static Task AnswerRoleAsync(HttpContext context, RecordedRequest request)
    {
        var model = request.Json!["model"]!.GetValue<string>();
        var content = model == "planner-m"
            ? """{"steps":[{"id":"E1","tool":"calculator","input":"6 * 7","plan":"multiply"},{"id":"E2","tool":"clock","input":"","plan":"read the time"}]}"""
            : "42, at some time";
        return context.Response.WriteAsJsonAsync(new
        {
            id = "chatcmpl-role",
            @object = "chat.completion",
            created = 1,
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 20, completion_tokens = 5, total_tokens = 25 },
        });
    }
}
