using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>The <c>http_get</c> tool: fetches a URL on an allow-listed host (no redirects elsewhere, bounded size and time).</summary>
public sealed class HttpGetPlugin(HttpClient http, IReadOnlyCollection<string> allowedHosts, int maxChars)
{
    [KernelFunction("http_get")]
    [Description("Fetches a web page or API response by URL (http or https; only allow-listed hosts) and returns its text.")]
    public async Task<string> GetAsync([Description("The absolute URL to fetch")] string url, CancellationToken cancellationToken = default)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"'{url}' is not an absolute http(s) URL.");
        }

        if (!allowedHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase))
        {
            throw new UnauthorizedAccessException($"The host '{uri.Host}' is not on the allow list ({string.Join(", ", allowedHosts)}).");
        }

        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var status = (int)response.StatusCode;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream);
        var buffer = new char[maxChars];
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        var body = new string(buffer, 0, read);
        return status is >= 200 and < 300 ? body : $"HTTP {status}: {body}";
    }
}
