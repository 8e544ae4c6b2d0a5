using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Bench.Soak;

/// <summary>
/// An OpenAI-compatible upstream in this process (Kestrel on loopback). It answers any body: chat and completions with
/// as many pieces of <see cref="Piece"/> as the request's <c>max_tokens</c> (<see cref="Chunks"/> without it, at most
/// <see cref="MaxChunks"/>), streamed <see cref="ChunkDelay"/> apart so that a caller can hang up mid-stream, and
/// embeddings with three numbers. Its usage is a prompt token per 4 bytes of the body it received and a
/// completion token per piece, and it keeps the usage it reported under the request's <c>x-request-id</c>: the truth
/// the gateway's charge is compared with when the caller saw no usage.
/// </summary>
internal sealed class MockUpstream : IAsyncDisposable
{
    public const int Chunks = 16;
    public const int MaxChunks = 256;
    public const string Piece = "word ";
    public static readonly TimeSpan ChunkDelay = TimeSpan.FromMilliseconds(5);

    private static readonly string[] ForbiddenHeaders = ["cookie", "openai-organization", "openai-project", "x-api-key"];
    private readonly WebApplication _app;
    private int _forbidden;

    private MockUpstream(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Total tokens of the usage reported for each request id.</summary>
    public ConcurrentDictionary<string, long> Reported { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests that arrived carrying a caller header the gateway must drop (cookies, OpenAI organisation or project, x-api-key).</summary>
    public int ForbiddenHeaderRequests => Volatile.Read(ref _forbidden);

    public static async Task<MockUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var upstream = new MockUpstream(app);
        app.Run(upstream.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return upstream;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (ForbiddenHeaders.Any(h => context.Request.Headers.ContainsKey(h)))
        {
            Interlocked.Increment(ref _forbidden);
        }

        var id = context.Request.Headers["x-request-id"].ToString();
        var prompt = (buffer.Length + 3) / 4;
        var (stream, includeUsage, maxTokens) = Flags(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        var chunks = (int)Math.Clamp(maxTokens ?? Chunks, 1, MaxChunks);
        var path = context.Request.Path.Value ?? "";
        context.Response.ContentType = stream ? "text/event-stream" : "application/json";
        if (path.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            Reported[id] = prompt;
            await context.Response.WriteAsync(
                $$$"""{"object":"list","model":"mock","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],"usage":{"prompt_tokens":{{{prompt}}},"total_tokens":{{{prompt}}}}}""");
            return;
        }

        var chat = path.EndsWith("/chat/completions", StringComparison.Ordinal);
        var usage = $$$"""{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{chunks}}},"total_tokens":{{{prompt + chunks}}}}""";
        if (!stream)
        {
            var text = string.Concat(Enumerable.Repeat(Piece, chunks));
            Reported[id] = prompt + chunks;
            await context.Response.WriteAsync(chat
                ? $$$"""{"id":"chatcmpl-mock","object":"chat.completion","created":1,"model":"mock","choices":[{"index":0,"message":{"role":"assistant","content":"{{{text}}}"},"finish_reason":"stop"}],"usage":{{{usage}}}}"""
                : $$$"""{"id":"cmpl-mock","object":"text_completion","created":1,"model":"mock","choices":[{"index":0,"text":"{{{text}}}","finish_reason":"stop"}],"usage":{{{usage}}}}""");
            return;
        }

        var aborted = context.RequestAborted;
        for (var i = 0; i < chunks; i++)
        {
            await Event(context, chat
                ? $$$"""{"id":"chatcmpl-mock","object":"chat.completion.chunk","created":1,"model":"mock","choices":[{"index":0,"delta":{"content":"{{{Piece}}}"},"finish_reason":null}]}"""
                : $$$"""{"id":"cmpl-mock","object":"text_completion","created":1,"model":"mock","choices":[{"index":0,"text":"{{{Piece}}}","finish_reason":null}]}""");
            await Task.Delay(ChunkDelay, aborted);
        }

        await Event(context, chat
            ? """{"id":"chatcmpl-mock","object":"chat.completion.chunk","created":1,"model":"mock","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""
            : """{"id":"cmpl-mock","object":"text_completion","created":1,"model":"mock","choices":[{"index":0,"text":"","finish_reason":"stop"}]}""");
        if (includeUsage)
        {
            Reported[id] = prompt + chunks;
            await Event(context, $$$"""{"id":"chatcmpl-mock","object":"chat.completion.chunk","created":1,"model":"mock","choices":[],"usage":{{{usage}}}}""");
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", aborted);
    }

    private static async Task Event(HttpContext context, string json)
    {
        await context.Response.WriteAsync("data: " + json + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static (bool Stream, bool IncludeUsage, long? MaxTokens) Flags(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 1024 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (false, false, null);
            }

            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var usage = stream && root.TryGetProperty("stream_options", out var o) && o.ValueKind == JsonValueKind.Object
                && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;
            long? max = root.TryGetProperty("max_tokens", out var m) && m.TryGetInt64(out var value) ? value : null;
            return (stream, usage, max);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (false, false, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>For the report: what the mock answers.</summary>
    public static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"max_tokens pieces of \"{Piece}\" per answer (at most {MaxChunks}), {ChunkDelay.TotalMilliseconds:0} ms apart when streamed; usage: a prompt token per 4 bytes of the body it received, a completion token per piece");
}
