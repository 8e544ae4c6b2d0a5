using System.Text.Json;

namespace Gateway.Host.LocalModels;

/// <summary>Reads a ready ModelServer's load (running sequences, queued requests) from its <c>/health</c>.</summary>
internal sealed class ModelServerLoad : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(1) };

    /// <summary>Running and queued requests; zeros when the server does not answer in time.</summary>
    public async Task<(int Running, int Queued)> ReadAsync(Uri baseUri, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await _http.GetStringAsync(new Uri(baseUri, "/health"), cancellationToken));
            var root = document.RootElement;
            return (root.TryGetProperty("active", out var a) ? a.GetInt32() : 0, root.TryGetProperty("queued", out var q) ? q.GetInt32() : 0);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return (0, 0);
        }
    }

    public void Dispose() => _http.Dispose();
}
