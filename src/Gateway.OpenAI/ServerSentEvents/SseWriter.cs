using System.Text;
using Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.ServerSentEvents;

/// <summary>
/// A server-sent event stream on a response. Events are queued with <see cref="Buffer(string)"/> and go out together at
/// <see cref="FlushAsync"/>, so a writer with several events ready sends them in one write and one flush; the
/// <c>WriteXAsync</c> methods queue and flush at once. Not thread-safe: a writer fed from several tasks serializes them.
/// </summary>
public sealed class SseWriter
{
    private static readonly byte[] Done = SseFraming.DoneEvent.ToArray();
    private readonly HttpResponse _response;
    private readonly StringBuilder _pending = new();

    /// <summary>A writer for <paramref name="response"/>; call <see cref="StartAsync"/> (or <see cref="SetHeaders"/>) before the first event.</summary>
    public SseWriter(HttpResponse response) => _response = response;

    /// <summary>Marks the response as an event stream (<c>text/event-stream</c>, <c>no-cache</c>); nothing is sent yet.</summary>
    public static void SetHeaders(HttpResponse response)
    {
        response.ContentType = SseFraming.ContentType;
        response.Headers.CacheControl = "no-cache";
    }

    /// <summary>
    /// Sends the event-stream headers now, with response buffering off, so that every event reaches the client as
    /// soon as it is flushed.
    /// </summary>
    public static async Task<SseWriter> StartAsync(HttpContext http)
    {
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        SetHeaders(http.Response);
        await http.Response.StartAsync(http.RequestAborted);
        return new SseWriter(http.Response);
    }

    /// <summary>Queues one event carrying <paramref name="data"/> (a JSON text).</summary>
    public void Buffer(string data) => SseFraming.AppendEvent(_pending, data);

    /// <summary>Queues one event of type <paramref name="type"/> carrying <paramref name="data"/>.</summary>
    public void Buffer(string type, string data) => SseFraming.AppendEvent(_pending, type, data);

    /// <summary>Sends everything queued and flushes; does nothing when nothing is queued.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Length == 0)
        {
            return;
        }

        var text = _pending.ToString();
        _pending.Clear();
        await _response.WriteAsync(text, cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Sends one event carrying <paramref name="data"/>, after anything queued.</summary>
    public Task WriteAsync(string data, CancellationToken cancellationToken)
    {
        Buffer(data);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Sends the event that reports <paramref name="error"/>, after anything queued.</summary>
    public Task WriteErrorAsync(GatewayError error, CancellationToken cancellationToken) =>
        WriteAsync(Encoding.UTF8.GetString(GatewayErrorWriter.Serialize(error)), cancellationToken);

    /// <summary>Sends anything queued, then <c>data: [DONE]</c>.</summary>
    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await _response.Body.WriteAsync(Done, cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }
}
