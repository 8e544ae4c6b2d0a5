using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Usage;

namespace Gateway.Bench.Soak;

/// <summary>How to send one request: its headers, and whether to hang up after some events of its stream.</summary>
internal sealed record SendOptions
{
    /// <summary>The request goes to the mock upstream (so the mock's count of a usage-less stream is its truth).</summary>
    public bool ToMock { get; init; }

    /// <summary>Hang up once this many events of the stream have been read.</summary>
    public int? HangUpAfter { get; init; }

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    public bool Mcp { get; init; }
}

/// <summary>
/// Sends requests to the gateway as its callers would and reads each answer into an <see cref="Outcome"/>: the usage it
/// carried, or the documented estimate of what was served (a token per 4 bytes of the request body, and per streamed
/// chunk with text one token, or one per 4 bytes of that text).
/// </summary>
internal sealed class SoakClient(Uri baseAddress) : IDisposable
{
    // No draining: by default a response disposed unread is read on (up to 1 MB or 2 s) to keep its connection, which is
    // no hang-up at all; without it, disposing closes the connection as a caller that goes away does.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 512, MaxResponseDrainSize = 0 })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(3),
    };

    private long _ids;

    public HttpClient Http => _http;

    public async Task<Outcome> SendAsync(string? key, string path, byte[] body, SendOptions? options = null)
    {
        options ??= new SendOptions();
        var id = "soak-" + Interlocked.Increment(ref _ids).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("x-request-id", id);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        foreach (var (name, value) in options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (options.Mcp)
        {
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            var reachedModel = response.Headers.Contains("x-gateway-model");
            var prompt = TokenEstimate.TokensOf(body.Length);
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream" && !options.Mcp)
            {
                await using var stream = await response.Content.ReadAsStreamAsync();
                using var reader = new StreamReader(stream);
                long? usage = null;
                long chunks = 0;
                var events = 0;
                while (await reader.ReadLineAsync() is { } line)
                {
                    if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
                    {
                        continue;
                    }

                    events++;
                    chunks += TokenEstimate.TokensOfChunk(Encoding.UTF8.GetBytes(line[6..]));
                    usage ??= UsageOf(line[6..]);
                    if (options.HangUpAfter is { } after && events >= after)
                    {
                        // Disposing the unread response closes the connection: the caller is gone.
                        return new Outcome(id, status, null, HungUp: true, prompt + chunks, reachedModel, Streamed: true, options.ToMock, "");
                    }
                }

                return new Outcome(id, status, usage, false, 0, reachedModel, Streamed: true, options.ToMock, "");
            }

            var bytes = await response.Content.ReadAsByteArrayAsync();
            var text = Encoding.UTF8.GetString(bytes);
            var seen = status == 200 && !options.Mcp ? UsageOf(text) : null;
            // An error the model answered is charged the prompt estimate (the gateway counts the bytes of successful answers only).
            var estimate = status >= 400 && reachedModel ? prompt : 0;
            return new Outcome(id, status, seen, false, estimate, reachedModel, false, options.ToMock, text.Length > 400 ? text[..400] : text);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return Outcome.Failed(id, e.GetType().Name + ": " + e.Message);
        }
    }

    private static long? UsageOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                && usage.TryGetProperty("total_tokens", out var total) && total.TryGetInt64(out var tokens)
                ? tokens
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
