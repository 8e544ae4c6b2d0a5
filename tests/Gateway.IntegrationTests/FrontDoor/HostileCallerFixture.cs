using System.Security.Cryptography;
using System.Text;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>
/// One gateway with configured keys of several tenants (an admin, two restricted tenants, a rate-limited key) in front
/// of two fake upstreams, for the tests that play a hostile caller with a valid but limited key.
/// </summary>
public sealed class HostileCallerFixture : IAsyncLifetime
{
    public const string AdminKey = "sk-hostile-admin";
    public const string TenantA = "sk-hostile-tenant-a";
    public const string TenantB = "sk-hostile-tenant-b";
    public const string LimitedKey = "sk-hostile-limited";

    /// <summary>Requests per minute of <see cref="LimitedKey"/>.</summary>
    public const int LimitedRequestsPerMinute = 3;

    public FakeUpstream Alpha { get; private set; } = null!;

    public FakeUpstream Beta { get; private set; } = null!;

    public GatewayTestHost Gateway { get; private set; } = null!;

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public async Task InitializeAsync()
    {
        Alpha = await FakeUpstream.StartAsync("alpha");
        Beta = await FakeUpstream.StartAsync("beta");
        Gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:alpha:BaseUrl"] = Alpha.BaseUrl.ToString(),
            ["Gateway:Models:beta:BaseUrl"] = Beta.BaseUrl.ToString(),
            ["Gateway:Models:beta:ForwardHeaders:0"] = "OpenAI-Beta",
            ["Gateway:Keys:admin:Hash"] = Hash(AdminKey),
            ["Gateway:Keys:admin:Admin"] = "true",
            ["Gateway:Keys:tenant-a:Hash"] = Hash(TenantA),
            ["Gateway:Keys:tenant-a:Models:0"] = "alpha",
            ["Gateway:Keys:tenant-b:Hash"] = Hash(TenantB),
            ["Gateway:Keys:tenant-b:Models:0"] = "alpha",
            ["Gateway:Keys:tenant-b:Models:1"] = "beta",
            ["Gateway:Keys:limited:Hash"] = Hash(LimitedKey),
            ["Gateway:Keys:limited:RequestsPerMinute"] = LimitedRequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:Feedback:Record"] = "All",
            ["Gateway:MaxRequestBodyBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public HttpClient Client(string? key) => Gateway.CreateClient(key);

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string Chat(string model, string extra = "") =>
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Alpha.DisposeAsync();
        await Beta.DisposeAsync();
    }
}

/// <summary>
/// A POST over a raw socket that declares a 7 MB body and sends only its first bytes: a server that reads the body
/// before answering never answers, so only one that refuses the caller first gets a response back.
/// </summary>
public static class UnfinishedBody
{
    public static async Task<(int Status, string Body)> PostAsync(Uri server, string path, string? key, CancellationToken cancellationToken)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = tcp.GetStream();
        var head = new StringBuilder()
            .Append("POST ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append("Content-Length: 7000000\r\n");
        if (key is not null)
        {
            head.Append("Authorization: Bearer ").Append(key).Append("\r\n");
        }

        head.Append("\r\n").Append("{\"model\":\"alpha\",\"input\":\"").Append('a', 1000);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);

        // The response: status line, headers, then a body of Content-Length bytes.
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("The connection closed before a response.");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var headers = Encoding.ASCII.GetString(received.GetRange(0, headerEnd).ToArray());
        var status = int.Parse(headers.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var length = headers.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(-1);
        var body = received.Skip(headerEnd + 4).ToList();
        var chunked = length < 0;
        while (chunked ? IndexOf(body, "\r\n0\r\n\r\n"u8) < 0 && !StartsWithLastChunk(body) : body.Count < length)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            body.AddRange(buffer.AsSpan(0, read));
        }

        return (status, chunked ? Dechunk(Encoding.UTF8.GetString(body.ToArray())) : Encoding.UTF8.GetString(body.ToArray()));
    }

    private static bool StartsWithLastChunk(List<byte> body) => body.Count >= 5 && body[0] == (byte)'0' && body[1] == (byte)'\r';

    private static string Dechunk(string chunked)
    {
        var text = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            text.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }

        return text.ToString();
    }

    private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> value) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes).IndexOf(value);
}
