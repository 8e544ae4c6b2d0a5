namespace Gateway.Inference.Pool;

/// <summary>
/// A started model held for the length of one request: while any lease is open the model is neither
/// evicted nor unloaded for idleness. Dispose it when the response has been sent.
/// </summary>
public sealed class ModelLease : IDisposable
{
    private readonly Action _release;
    private int _released;

    internal ModelLease(string model, Uri baseUri, string apiKey, Action release)
    {
        Model = model;
        BaseUri = baseUri;
        Authorization = "Bearer " + apiKey;
        _release = release;
    }

    /// <summary>The name of the leased local model.</summary>
    public string Model { get; }

    /// <summary>The model's OpenAI base URL, e.g. <c>http://127.0.0.1:5123/v1/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>
    /// The <c>Authorization</c> header value the model's server requires (<c>Bearer</c> and its per-launch secret).
    /// Send it on every request to <see cref="BaseUri"/>; never show it to a caller.
    /// </summary>
    public string Authorization { get; }

    /// <summary>Releases the lease so the model may again be evicted or unloaded; calling it again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _release();
        }
    }
}
