using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.ModelServer.Api;

/// <summary>A server-sent event stream that flushes every event, so tokens reach the client as they are made.</summary>
internal sealed class Sse
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private readonly HttpResponse _response;

    private Sse(HttpResponse response) => _response = response;

    public static async Task<Sse> StartAsync(HttpContext http)
    {
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.StartAsync(http.RequestAborted);
        return new Sse(http.Response);
    }

    private readonly StringBuilder _pending = new();

    /// <summary>Queues one event's JSON; <see cref="FlushAsync"/> sends everything queued.</summary>
    public void Buffer(string json) => _pending.Append("data: ").Append(json).Append("\n\n");

    public async Task FlushAsync(CancellationToken cancellation)
    {
        if (_pending.Length == 0)
        {
            return;
        }
        var text = _pending.ToString();
        _pending.Clear();
        await _response.WriteAsync(text, cancellation);
        await _response.Body.FlushAsync(cancellation);
    }

    public async Task WriteAsync(JsonObject data, CancellationToken cancellation)
    {
        Buffer(data.ToJsonString());
        await FlushAsync(cancellation);
    }

    public async Task DoneAsync(CancellationToken cancellation)
    {
        await _response.Body.WriteAsync(Done, cancellation);
        await _response.Body.FlushAsync(cancellation);
    }
}
