using Gateway.Agents.Configuration;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>The checked <c>Gateway:Tools:Http</c> settings the <c>http_get</c> tool runs with.</summary>
internal sealed record HttpGetSettings(HttpGetAllowList AllowList, int MaxResponseChars, TimeSpan Timeout, bool AllowPrivateAddresses)
{
    public const int MaxResponseCharsLimit = 1_000_000;
    public static readonly TimeSpan TimeoutLimit = TimeSpan.FromMinutes(5);

    /// <summary>The settings, or a <see cref="FormatException"/> saying which one is out of range.</summary>
    public static HttpGetSettings From(HttpGetOptions options)
    {
        var section = ToolsOptions.SectionName + ":Http";
        if (options.MaxResponseChars is < 1 or > MaxResponseCharsLimit)
        {
            throw new FormatException($"{section}:MaxResponseChars is {options.MaxResponseChars}; it must be 1 to {MaxResponseCharsLimit}.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeoutLimit)
        {
            throw new FormatException($"{section}:Timeout is {options.Timeout}; it must be above zero and at most {TimeoutLimit}.");
        }

        HttpGetAllowList allowList;
        try
        {
            allowList = HttpGetAllowList.Parse(options.AllowedHosts);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{section}:AllowedHosts: {ex.Message}", ex);
        }

        return new(allowList, options.MaxResponseChars, options.Timeout, options.AllowPrivateAddresses);
    }
}
