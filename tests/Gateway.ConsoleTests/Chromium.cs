namespace Gateway.ConsoleTests;

/// <summary>
/// The system Chromium the console tests drive (Debian package <c>chromium</c>; <c>build/test.sh</c> installs it).
/// <c>CHROMIUM_PATH</c> names the binary instead of searching for one.
/// </summary>
public static class Chromium
{
    private static readonly Lazy<string?> Found = new(Find);

    public static string? ExecutablePath => Found.Value;

    public static string MissingReason => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured
        ? $"Chromium was not found at CHROMIUM_PATH={configured}."
        : "Chromium was not found (looked at /usr/bin/chromium, /usr/bin/chromium-browser and PATH); install it with 'apt-get install chromium'.";

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var candidates = new List<string> { "/usr/bin/chromium", "/usr/bin/chromium-browser" };
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            candidates.Add(Path.Combine(directory, "chromium"));
            candidates.Add(Path.Combine(directory, "chromium-browser"));
        }

        return candidates.FirstOrDefault(File.Exists);
    }
}

/// <summary>A fact that is skipped, saying why, when no Chromium is installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.ExecutablePath is null)
        {
            Skip = Chromium.MissingReason;
        }
    }
}
