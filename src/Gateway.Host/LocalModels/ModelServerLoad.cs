using Gateway.Inference.Pool;

namespace Gateway.Host.LocalModels;

/// <summary>Reads a ready ModelServer's load (running sequences, queued requests) from its <c>/health</c>, through the pool.</summary>
internal sealed class ModelServerLoad(ModelPool pool)
{
    /// <summary>Running and queued requests; zeros when the model is not ready or its server does not answer in time.</summary>
    public async Task<(int Running, int Queued)> ReadAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            return await pool.ReadHealthAsync(model, cancellationToken) is { } health ? (health.Active, health.Queued) : (0, 0);
        }
        catch (UnknownModelException)
        {
            return (0, 0);
        }
    }
}
