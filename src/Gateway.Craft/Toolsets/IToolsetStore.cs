namespace Gateway.Craft.Toolsets;

/// <summary>Where toolsets live: files under <c>config/toolsets/</c>, or Redis when the gateway shares state there.</summary>
public interface IToolsetStore
{
    /// <summary>Names of the stored toolsets, sorted.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The toolset, or null when there is none of that name.</summary>
    Task<Toolset?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Replaces the toolset with these tools under the next version, and returns what was stored.</summary>
    Task<Toolset> SaveAsync(Toolset toolset, CancellationToken cancellationToken = default);
}

/// <summary>A toolset file or record that cannot be read.</summary>
public sealed class ToolsetFormatException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public ToolsetFormatException()
    {
    }

    /// <summary>Creates the exception with a message that names the file or record and what is wrong with it.</summary>
    public ToolsetFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure (usually a JSON error) that revealed the problem.</summary>
    public ToolsetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
