namespace Gateway.Routing;

/// <summary>
/// A router artefact is missing, corrupt, of an unsupported format version, or does not match the encoder or
/// the candidates it is used with. Callers should fall back to a default model rather than fail requests.
/// </summary>
public sealed class RouterArtifactException : Exception
{
    public RouterArtifactException(string message)
        : base(message)
    {
    }

    public RouterArtifactException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
