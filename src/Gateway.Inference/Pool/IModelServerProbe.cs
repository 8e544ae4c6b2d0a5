namespace Gateway.Inference.Pool;

/// <summary>Asks a model server whether it is ready; the seam that lets tests supervise fakes.</summary>
internal interface IModelServerProbe
{
    Task<bool> IsHealthyAsync(Uri address, CancellationToken cancellation);
}

/// <summary>GET <c>/health</c> over loopback HTTP.</summary>
internal sealed class HttpModelServerProbe : IModelServerProbe, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) });

    public async Task<bool> IsHealthyAsync(Uri address, CancellationToken cancellation)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(address, "health"), cancellation);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();
}
