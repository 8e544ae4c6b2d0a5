using System.ComponentModel;
using System.Globalization;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>The <c>clock</c> tool.</summary>
internal sealed class ClockPlugin(TimeProvider time)
{
    [KernelFunction("clock")]
    [Description("The current date and time (ISO 8601), in UTC or in the given IANA time zone such as Europe/Paris.")]
    public string Now([Description("An IANA time zone; empty for UTC")] string timeZone = "")
    {
        var now = time.GetUtcNow();
        if (string.IsNullOrWhiteSpace(timeZone) || timeZone.Trim().Equals("UTC", StringComparison.OrdinalIgnoreCase))
        {
            return now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z' (dddd)", CultureInfo.InvariantCulture);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone.Trim());
        return TimeZoneInfo.ConvertTime(now, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz (dddd)", CultureInfo.InvariantCulture);
    }
}
