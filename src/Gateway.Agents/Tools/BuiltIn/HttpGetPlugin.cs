using System.ComponentModel;
using System.Net;
using System.Text;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>
/// The <c>http_get</c> tool: fetches a URL whose host and port are allow-listed. Each redirect hop is checked
/// against the list again; the addresses are checked on every connection by the client's
/// <see cref="HttpGetConnector"/>. The whole fetch is bounded in time and the body in size.
/// </summary>
/// <param name="http">A client built by <see cref="HttpGetConnector.CreateClient"/> (no redirects of its own).</param>
/// <param name="allowList">The hosts and ports the first URL and every redirect must match.</param>
/// <param name="maxChars">Most characters of the body read and returned; the rest is never read.</param>
/// <param name="timeout">Longest the whole fetch may take, redirects and body included.</param>
/// <param name="time">The clock the deadline runs on, so tests can control it.</param>
internal sealed class HttpGetPlugin(HttpClient http, HttpGetAllowList allowList, int maxChars, TimeSpan timeout, TimeProvider time)
{
    /// <summary>Most redirects one fetch follows.</summary>
    public const int MaxRedirects = 5;

    [KernelFunction("http_get")]
    [Description("Fetches a web page or API response by URL (http or https; only allow-listed hosts and ports) and returns its text.")]
    public async Task<string> GetAsync([Description("The absolute URL to fetch")] string url, CancellationToken cancellationToken = default)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"'{url}' is not an absolute http(s) URL.");
        }

        Check(uri, null);
        // The deadline runs on the injected clock, so it covers connecting, redirects, headers and body alike.
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await FetchAsync(uri, linked.Token);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && ex is OperationCanceledException or IOException or HttpRequestException)
        {
            throw new TimeoutException($"'{uri}' did not answer within {timeout.TotalSeconds:0.###} s.", ex);
        }
        catch (HttpRequestException ex) when (ex.InnerException is UnauthorizedAccessException refused)
        {
            // The connector refused the address: say so rather than "the connection failed".
            throw new UnauthorizedAccessException(refused.Message, ex);
        }
    }

    private async Task<string> FetchAsync(Uri uri, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return await ReadAsync(response, cancellationToken);
            }

            if (hop == MaxRedirects)
            {
                throw new HttpRequestException($"'{uri}' redirected more than {MaxRedirects} times.");
            }

            var next = new Uri(uri, location);
            Check(next, uri);
            uri = next;
        }
    }

    private void Check(Uri uri, Uri? redirectedFrom)
    {
        var from = redirectedFrom is null ? "" : $"'{redirectedFrom}' redirects to '{uri}': ";
        if (uri.Scheme is not ("http" or "https"))
        {
            throw new UnauthorizedAccessException($"{from}only http and https URLs may be fetched.");
        }

        if (!allowList.Allows(uri))
        {
            throw new UnauthorizedAccessException(
                $"{from}the host and port '{uri.IdnHost}:{uri.Port}' are not on the allow list ({allowList}; a host without a port allows 80 for http and 443 for https).");
        }
    }

    private async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using (stream)
        {
            // A small read buffer: what is taken off the socket stays within a few KiB of the characters kept.
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 4096);
            var buffer = new char[maxChars];
            var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
            var body = new string(buffer, 0, read);
            return status is >= 200 and < 300 ? body : $"HTTP {status}: {body}";
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
