namespace Gateway.Configuration;

/// <summary>The folder a gateway process reads <c>appsettings.json</c> and <c>config/</c> from.</summary>
public static class ContentRoot
{
    /// <summary>
    /// The current directory when it has <c>appsettings.json</c> (a checkout, a container's working directory),
    /// else the folder of the binaries.
    /// </summary>
    public static string Resolve()
    {
        var current = Directory.GetCurrentDirectory();
        return File.Exists(Path.Combine(current, "appsettings.json")) ? current : AppContext.BaseDirectory;
    }
}
