using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Gateway.Host.Ui;

/// <summary>
/// The console's static files, built into this assembly as embedded resources named
/// <c>ui/&lt;file&gt;</c> (see the project file), read once and served from memory.
/// </summary>
internal static class ConsoleAssets
{
    private const string Prefix = "ui/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".json"] = "application/json",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<FrozenDictionary<string, Asset>> All = new(Load);

    /// <summary>The file at <paramref name="path"/> (relative to <c>/ui/</c>; empty is <c>index.html</c>), or null.</summary>
    public static Asset? Find(string? path) =>
        All.Value.TryGetValue(string.IsNullOrEmpty(path) ? "index.html" : path, out var asset) ? asset : null;

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var file = name[Prefix.Length..];
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
            assets[file] = new Asset(bytes, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>One file: its bytes, content type and strong ETag.</summary>
    internal sealed record Asset(byte[] Content, string ContentType, string ETag);
}
