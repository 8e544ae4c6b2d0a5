namespace Gateway.Agents.Configuration;

/// <summary>The <c>http_get</c> tool, <c>Gateway:Tools:Http</c>. Settings out of range turn the tool off (logged).</summary>
public sealed class HttpGetOptions
{
    /// <summary>
    /// Where <c>http_get</c> may fetch. <c>host</c> allows that host on its scheme's default port only (80 for http,
    /// 443 for https); <c>host:port</c> allows exactly that port (an IPv6 literal as <c>[::1]:8080</c>). Names match
    /// exactly (no wildcards). Empty (the default) turns the tool off.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Most characters of a response body the tool reads and returns; 1 to 1,000,000. Default 4000.</summary>
    public int MaxResponseChars { get; set; } = 4000;

    /// <summary>Longest a whole fetch may take, redirects, headers and body included; above zero, at most 5 minutes. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Let <c>http_get</c> connect to private, loopback, link-local, unique-local, CGNAT, multicast and unspecified
    /// addresses. For trusted internal networks only: with it on, an allow-listed name that resolves to an internal
    /// address reaches that address. Default false.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }
}
