namespace Gateway.Routing;

/// <summary>
/// A router artefact is missing, corrupt, of an unsupported format version, or does not match the encoder or
/// the candidates it is used with. Callers should fall back to a default model rather than fail requests.
/// </summary>
public sealed class RouterArtifactException : Exception
{
    /// <summary>Creates the exception with a message that names the artefact and what is wrong with it.</summary>
    /// <param name="message">What is missing, corrupt or mismatched.</param>
    public RouterArtifactException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure (an I/O or JSON error) that revealed the problem.</summary>
    /// <param name="message">What is missing, corrupt or mismatched.</param>
    /// <param name="innerException">The failure met while reading the artefact.</param>
    public RouterArtifactException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
