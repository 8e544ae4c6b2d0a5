using System.Net.Http.Headers;
using System.Text.Json;

namespace Gateway.Inference.Pool;

/// <summary>What a ModelServer's <c>/health</c> says about its decode loop.</summary>
/// <param name="Stalled">Work waits and the decode loop has not moved for longer than the server's stall timeout.</param>
/// <param name="Active">Sequences decoding.</param>
/// <param name="Queued">Requests waiting for a sequence.</param>
/// <param name="DecodeSteps">Decode steps since the server started.</param>
/// <param name="LastStepAge">Time since the decode loop last moved.</param>
public sealed record ModelServerHealth(bool Stalled, int Active, int Queued, long DecodeSteps, TimeSpan LastStepAge);

/// <summary>Asks a model server how it is; the seam that lets tests supervise fakes.</summary>
internal interface IModelServerProbe
{
    /// <summary>The server's health, or null when it does not answer as a ModelServer (down, hung, or not one).</summary>
    Task<ModelServerHealth?> ReadAsync(Uri address, string apiKey, CancellationToken cancellation);
}

/// <summary>GET <c>/health</c> over loopback HTTP, with the server's API key.</summary>
internal sealed class HttpModelServerProbe : IModelServerProbe, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) });

    public async Task<ModelServerHealth?> ReadAsync(Uri address, string apiKey, CancellationToken cancellation)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "health"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var response = await _http.SendAsync(request, cancellation);
            // A stalled server answers 503 with the same body.
            if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
            {
                return null;
            }
            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellation));
            return Parse(document.RootElement);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or IOException)
        {
            return null;
        }
    }

    internal static ModelServerHealth? Parse(JsonElement health)
    {
        if (health.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        long Number(string name) => health.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
        var stalled = health.TryGetProperty("stalled", out var s) && s.ValueKind == JsonValueKind.True;
        return new ModelServerHealth(stalled, (int)Number("active"), (int)Number("queued"), Number("decode_steps"), TimeSpan.FromMilliseconds(Number("last_step_age_ms")));
    }

    public void Dispose() => _http.Dispose();
}
