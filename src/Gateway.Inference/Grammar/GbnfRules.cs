using System.Text;

namespace Gateway.Inference.Grammar;

/// <summary>An ordered set of named GBNF rules; names are made unique and safe as they are added.</summary>
internal sealed class GbnfRules(JsonGrammarLimits? limits = null)
{
    /// <summary>How free the JSON values built into these rules are.</summary>
    public JsonGrammarLimits Limits { get; } = limits ?? JsonGrammarLimits.Full;

    private readonly Dictionary<string, string> _rules = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public bool Contains(string name) => _rules.ContainsKey(name);

    /// <summary>Adds a rule and returns its (possibly renamed) name. An identical existing rule is reused.</summary>
    public string Add(string name, string body)
    {
        name = Sanitize(name);
        var candidate = name;
        for (var i = 2; _rules.TryGetValue(candidate, out var existing); i++)
        {
            if (existing == body)
            {
                return candidate;
            }
            candidate = $"{name}-{i}";
        }
        CheckRoom();
        _rules[candidate] = body;
        _order.Add(candidate);
        return candidate;
    }

    /// <summary>Reserves a name for a rule whose body is set later (for recursive references).</summary>
    public void Set(string name, string body)
    {
        if (!_rules.ContainsKey(name))
        {
            CheckRoom();
            _order.Add(name);
        }
        _rules[name] = body;
    }

    /// <summary>
    /// Stops a schema that would build too many rules as it is built, not after: <c>$ref</c>s that branch at every level
    /// would otherwise visit and name exponentially many sub-schemas before the finished grammar could be measured.
    /// </summary>
    private void CheckRoom()
    {
        if (_rules.Count >= GrammarBounds.MaxRules)
        {
            throw new GrammarException($"The schema needs more than {GrammarBounds.MaxRules} grammar rules.");
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var name in _order)
        {
            sb.Append(name).Append(" ::= ").Append(_rules[name]).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Quotes text as a GBNF string literal.</summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append($"\\x{(int)c:X2}");
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }
        var result = sb.ToString().Trim('-');
        return result.Length == 0 ? "rule" : result;
    }
}
