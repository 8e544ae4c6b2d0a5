using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>
/// <c>.dockerignore</c> matching as Docker does it: patterns relative to the context root with
/// <c>*</c>, <c>?</c> and <c>**</c>, <c>!</c> re-including, the last matching line winning, and a
/// path excluded when it or any folder above it is excluded.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude)> _rules = [];

    public static DockerIgnore Load(string path)
    {
        var ignore = new DockerIgnore();
        foreach (var raw in File.Exists(path) ? File.ReadAllLines(path) : [])
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = !line.StartsWith('!');
            var pattern = (exclude ? line : line[1..]).Trim().Trim('/');
            ignore._rules.Add((ToRegex(pattern), exclude));
        }

        return ignore;
    }

    public bool IsExcluded(string relativePath)
    {
        var parts = relativePath.Replace('\\', '/').Trim('/').Split('/');
        for (var length = 1; length <= parts.Length; length++)
        {
            var prefix = string.Join('/', parts[..length]);
            var excluded = false;
            foreach (var (pattern, exclude) in _rules)
            {
                if (pattern.IsMatch(prefix))
                {
                    excluded = exclude;
                }
            }

            if (excluded)
            {
                return true;
            }
        }

        return false;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches any number of folders, including none.
                regex.Append(i + 2 < pattern.Length && pattern[i + 2] == '/' ? "(?:.*/)?" : ".*");
                i += i + 2 < pattern.Length && pattern[i + 2] == '/' ? 2 : 1;
            }
            else
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
