using System.Text.Json;

namespace Gateway.IntegrationTests.Inference;

/// <summary>A streaming chat request whose first token has arrived, so it holds a sequence.</summary>
internal sealed class RunningStream(HttpResponseMessage response, IAsyncEnumerator<JsonElement> events, string firstText) : IAsyncDisposable
{
    private bool _disposed;

    /// <summary>The stream's <c>usage</c>, once its last chunk has been read (asked for with <c>stream_options.include_usage</c>).</summary>
    public JsonElement? Usage { get; private set; }

    public static async Task<RunningStream> StartAsync(HttpClient http, Uri baseUri, object body)
    {
        var response = await Chat.OpenStreamAsync(http, baseUri, body);
        var events = Chat.ReadEventsAsync(response).GetAsyncEnumerator();
        // The role chunk may be written while the request still queues; a content chunk means it is decoding.
        while (await events.MoveNextAsync())
        {
            if (DeltaContent(events.Current) is { Length: > 0 } text)
            {
                return new RunningStream(response, events, text);
            }
        }
        await events.DisposeAsync();
        response.Dispose();
        throw new InvalidOperationException("The stream ended before its first token.");
    }

    public async Task<string> ReadToEndAsync()
    {
        var text = new System.Text.StringBuilder(firstText);
        while (await events.MoveNextAsync())
        {
            text.Append(DeltaContent(events.Current));
            if (events.Current.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                Usage = usage;
            }
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await events.DisposeAsync();
            response.Dispose();
        }
    }

    private static string? DeltaContent(JsonElement chunk) =>
        chunk.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
            && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
            ? content.GetString()
            : null;
}
