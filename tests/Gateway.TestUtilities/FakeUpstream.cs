using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.TestUtilities;

/// <summary>What the fake upstream received.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode? Json => string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);
}

/// <summary>
/// A real OpenAI-compatible HTTP server on Kestrel (loopback, free port) that records requests and
/// answers chat completions (plain, streamed, with tool calls), completions and embeddings.
/// Tests replace <see cref="Handler"/> to make it slow, fail or misbehave.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeUpstream(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>When set, handles every request instead of the default behaviour (the body is already read: <see cref="RecordedOf"/>).</summary>
    public Func<HttpContext, Task>? Handler { get; set; }

    /// <summary>Whether requests are kept in <see cref="Requests"/> (default true; off for long runs of many requests).</summary>
    public bool Record { get; set; } = true;

    /// <summary>The request as the fake read it, for a <see cref="Handler"/> (which finds the body already consumed).</summary>
    public static RecordedRequest RecordedOf(HttpContext context) => (RecordedRequest)context.Items[typeof(RecordedRequest)]!;

    /// <summary>
    /// When set, a streamed answer sends its first chunk, then waits for this gate before the rest,
    /// so a test can prove the first chunk reached the client while the upstream was still working.
    /// </summary>
    public TaskCompletionSource? StreamGate { get; set; }

    public static async Task<FakeUpstream> StartAsync(string name = "fake")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var upstream = new FakeUpstream(app, name);
        app.Run(upstream.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return upstream;
    }

    public RecordedRequest LastRequest => Requests.Last();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var recorded = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, headers, body);
        context.Items[typeof(RecordedRequest)] = recorded;
        if (Record)
        {
            Requests.Enqueue(recorded);
        }

        if (Handler is { } handler)
        {
            await handler(context);
            return;
        }

        var request = string.IsNullOrEmpty(body) ? new JsonObject() : JsonNode.Parse(body)!.AsObject();
        var model = request["model"]?.GetValue<string>() ?? "unknown";
        switch (context.Request.Path.Value)
        {
            case "/v1/chat/completions" when request["stream"]?.GetValue<bool>() == true:
                await StreamChatAsync(context, model, request);
                break;
            case "/v1/chat/completions":
                await context.Response.WriteAsJsonAsync(ChatCompletion(model, request));
                break;
            case "/v1/completions":
                await context.Response.WriteAsJsonAsync(new
                {
                    id = "cmpl-1",
                    @object = "text_completion",
                    created = 1,
                    model,
                    choices = new[] { new { index = 0, text = $"completion from {Name}", finish_reason = "stop" } },
                    usage = new { prompt_tokens = 3, completion_tokens = 3, total_tokens = 6 },
                });
                break;
            case "/v1/embeddings":
                var inputs = request["input"] is JsonArray array ? array.Count : 1;
                await context.Response.WriteAsJsonAsync(new
                {
                    @object = "list",
                    model,
                    data = Enumerable.Range(0, inputs).Select(i => new { @object = "embedding", index = i, embedding = new[] { 0.1f * (i + 1), 0.2f, 0.3f } }),
                    usage = new { prompt_tokens = 2, total_tokens = 2 },
                });
                break;
            case "/v1/models":
                await context.Response.WriteAsJsonAsync(new { @object = "list", data = new[] { new { id = Name, @object = "model", created = 0, owned_by = "fake" } } });
                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    private object ChatCompletion(string model, JsonObject request)
    {
        object message = request["tools"] is JsonArray { Count: > 0 } tools
            ? new
            {
                role = "assistant",
                content = (string?)null,
                tool_calls = new[]
                {
                    new { id = "call_1", type = "function", function = new { name = tools[0]!["function"]!["name"]!.GetValue<string>(), arguments = "{\"city\":\"Paris\"}" } },
                },
            }
            : new { role = "assistant", content = $"Hello from {Name} as {model}" };
        var finish = request["tools"] is JsonArray { Count: > 0 } ? "tool_calls" : "stop";
        return new
        {
            id = "chatcmpl-1",
            @object = "chat.completion",
            created = 1,
            model,
            choices = new[] { new { index = 0, message, finish_reason = finish } },
            usage = new { prompt_tokens = 5, completion_tokens = 4, total_tokens = 9 },
        };
    }

    private async Task StreamChatAsync(HttpContext context, string model, JsonObject request)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        string[] pieces = ["Hello", " from", " ", Name];
        for (var i = 0; i < pieces.Length; i++)
        {
            var delta = i == 0 ? (object)new { role = "assistant", content = pieces[i] } : new { content = pieces[i] };
            await WriteEventAsync(context, new
            {
                id = "chatcmpl-1",
                @object = "chat.completion.chunk",
                created = 1,
                model,
                choices = new[] { new { index = 0, delta, finish_reason = (string?)null } },
            });
            if (i == 0 && StreamGate is { } gate)
            {
                await gate.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
        }

        await WriteEventAsync(context, new
        {
            id = "chatcmpl-1",
            @object = "chat.completion.chunk",
            created = 1,
            model,
            choices = new[] { new { index = 0, delta = new { }, finish_reason = "stop" } },
        });
        if (request["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            await WriteEventAsync(context, new
            {
                id = "chatcmpl-1",
                @object = "chat.completion.chunk",
                created = 1,
                model,
                choices = Array.Empty<object>(),
                usage = new { prompt_tokens = 5, completion_tokens = 4, total_tokens = 9 },
            });
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteEventAsync(HttpContext context, object payload)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(payload) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        StreamGate?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
