namespace Gateway.Inference.Pool;

/// <summary>
/// The model is configured but cannot serve now (loading failed, crashed, or no memory); answer 503.
/// The message names the model and the reason, fit to show to a client as is.
/// </summary>
public sealed class ModelUnavailableException(string model, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The name of the local model that cannot serve.</summary>
    public string Model { get; } = model;

    /// <summary>When a retry may succeed, if known (for a Retry-After header).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>No local model has this name; answer 404.</summary>
public sealed class UnknownModelException(string model)
    : Exception($"No local model named '{model}' is configured.")
{
    /// <summary>The model name that was asked for.</summary>
    public string Model { get; } = model;
}
