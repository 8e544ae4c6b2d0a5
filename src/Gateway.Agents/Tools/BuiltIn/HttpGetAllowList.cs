using System.Globalization;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>
/// The hosts and ports <c>http_get</c> may fetch (<c>Gateway:Tools:Http:AllowedHosts</c>): <c>host</c> allows the
/// URL scheme's default port only, <c>host:port</c> exactly that port. Hosts are compared after the same
/// <see cref="Uri"/> normalisation as the URL's (case, IDN, IPv6 spelling), so one address has one spelling.
/// </summary>
internal sealed class HttpGetAllowList
{
    private readonly (string Host, int? Port)[] _entries;
    private readonly string _text;

    private HttpGetAllowList((string Host, int? Port)[] entries, string text)
    {
        _entries = entries;
        _text = text;
    }

    /// <summary>The list, or a <see cref="FormatException"/> naming the first entry that is not <c>host</c> or <c>host:port</c>.</summary>
    public static HttpGetAllowList Parse(IEnumerable<string> entries)
    {
        var parsed = new List<(string, int?)>();
        var text = new List<string>();
        foreach (var entry in entries)
        {
            parsed.Add(ParseEntry(entry.Trim()) ?? throw new FormatException(
                $"'{entry}' is not a host or host:port (an IPv6 address as [::1] or [::1]:8080)."));
            text.Add(entry.Trim());
        }

        return new([.. parsed], string.Join(", ", text));
    }

    /// <summary>Whether the URL's host and port are on the list.</summary>
    public bool Allows(Uri uri)
    {
        var port = uri.Port;
        var defaultPort = uri.Scheme == Uri.UriSchemeHttps ? 443 : 80;
        foreach (var (host, allowed) in _entries)
        {
            if (string.Equals(host, uri.IdnHost, StringComparison.OrdinalIgnoreCase) && port == (allowed ?? defaultPort))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => _text;

    private static (string Host, int? Port)? ParseEntry(string entry)
    {
        string host;
        int? port = null;
        var close = entry.IndexOf(']', StringComparison.Ordinal);
        var colons = entry.Count(c => c == ':');
        if (entry.StartsWith('[') && close > 0)
        {
            host = entry[..(close + 1)];
            if (close < entry.Length - 1 && (entry[close + 1] != ':' || (port = Port(entry[(close + 2)..])) is null))
            {
                return null;
            }
        }
        else if (colons == 1)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            host = entry[..colon];
            if ((port = Port(entry[(colon + 1)..])) is null)
            {
                return null;
            }
        }
        else
        {
            // No port; more than one colon is a bare IPv6 address.
            host = colons > 1 ? $"[{entry}]" : entry;
        }

        // Only a bare authority: a user, path, query or a second port in the entry would widen or confuse the match.
        return host.Length > 0 && Uri.TryCreate($"http://{host}/", UriKind.Absolute, out var uri)
            && uri.UserInfo.Length == 0 && uri.PathAndQuery == "/" && uri.IsDefaultPort && uri.Fragment.Length == 0
            && !host.AsSpan().ContainsAny('/', '@', '?') && !host.Contains('#', StringComparison.Ordinal)
            ? (uri.IdnHost, port)
            : null;
    }

    private static int? Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port : null;
}
