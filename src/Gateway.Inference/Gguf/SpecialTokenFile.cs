namespace Gateway.Inference.Gguf;

/// <summary>
/// Reads a special-token set from text, one token a line: the token, then optional roles separated by spaces
/// (<c>bos</c>, <c>eos</c>, <c>eot</c>, <c>eom</c>, and <c>text</c> for a user-defined token that prints in output).
/// Blank lines and lines starting with <c>#</c> are skipped. Without a <c>bos</c> line the model prepends no BOS and
/// the EOS token stands in for it, as Qwen's files do.
/// </summary>
/// <example>
/// <code>
/// &lt;|im_start|&gt;
/// &lt;|im_end|&gt; eos eot
/// &lt;tool_call&gt; text
/// </code>
/// </example>
public static class SpecialTokenFile
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="name"/> names the set in messages.</summary>
    /// <exception cref="ArgumentException">A line names an unknown role, a role is given twice, or no token is the EOS.</exception>
    public static SpecialTokenSet Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<SpecialToken>();
        string? bos = null, eos = null, eot = null, eom = null;
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var token = parts[0];
            var control = true;
            foreach (var role in parts.Skip(1))
            {
                switch (role.ToLowerInvariant())
                {
                    case "bos": Assign(ref bos, token, role, lineNumber); break;
                    case "eos": Assign(ref eos, token, role, lineNumber); break;
                    case "eot": Assign(ref eot, token, role, lineNumber); break;
                    case "eom": Assign(ref eom, token, role, lineNumber); break;
                    case "text": control = false; break;
                    default: throw new ArgumentException($"Special tokens '{name}', line {lineNumber}: unknown role '{role}' (bos, eos, eot, eom or text).");
                }
            }
            tokens.Add(new SpecialToken(token, control));
        }
        if (eos is null)
        {
            throw new ArgumentException($"Special tokens '{name}': no token has the eos role.");
        }
        var set = new SpecialTokenSet(name, tokens, bos ?? eos, eos, eot, eom, AddBos: bos is not null, "default");
        set.Validate();
        return set;
    }

    private static void Assign(ref string? slot, string token, string role, int line)
    {
        if (slot is not null)
        {
            throw new ArgumentException($"Line {line}: the {role} role is already given to '{slot}'.");
        }
        slot = token;
    }
}
