using System.Globalization;
using System.Text;

namespace Gateway.Inference.Templates;

/// <summary>The options of the <c>tojson</c> filter.</summary>
internal sealed record JsonOptions(long? Indent = null, bool EnsureAscii = false, (string Item, string Key)? Separators = null, bool SortKeys = false);

/// <summary>
/// <c>tojson</c> as @huggingface/jinja writes it: Python's default separators (<c>", "</c> and <c>": "</c>) where no
/// indent is given, JavaScript's escaping of strings (non-ASCII kept unless <c>ensure_ascii</c>), and Python's
/// <c>indent</c> layout. Tool definitions reach the prompt through it, so one character off is a different prompt.
/// </summary>
internal static class TemplateJson
{
    /// <summary>Nesting deeper than this is refused; a request's JSON is bounded by the request parser already.</summary>
    public const int MaxDepth = 256;

    public static string Serialize(object? value, JsonOptions? options, bool convertUndefinedToNull = true)
    {
        var sb = new StringBuilder();
        Write(sb, value, options ?? Default, 0, convertUndefinedToNull);
        return sb.ToString();
    }

    private static readonly JsonOptions Default = new();

    private static void Write(StringBuilder sb, object? value, JsonOptions options, int depth, bool convertUndefined)
    {
        if (depth > MaxDepth)
        {
            throw new TemplateRuntimeException($"Cannot convert to JSON: nesting deeper than {MaxDepth} levels");
        }
        var (itemSeparator, keySeparator) = options.Separators ?? (options.Indent is > 0 ? (",", ": ") : (", ", ": "));
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case Undefined:
                sb.Append(convertUndefined ? "null" : "undefined");
                return;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                return;
            case double d:
                sb.Append(double.IsFinite(d) ? TemplateValue.JsNumber(d) : "null");
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case string s:
                WriteString(sb, s, options.EnsureAscii);
                return;
            case JArray or JObject or JNamespace:
                break;
            default:
                throw new TemplateRuntimeException($"Cannot convert to JSON: {TemplateValue.TypeName(value)}");
        }

        var indent = options.Indent is > 0 ? new string(' ', (int)Math.Min(options.Indent.Value, 64)) : "";
        var basePadding = "\n" + string.Concat(Enumerable.Repeat(indent, depth));
        var childPadding = basePadding + indent;
        if (value is JArray array)
        {
            if (indent.Length > 0 && array.Count > 0)
            {
                sb.Append('[').Append(childPadding);
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(itemSeparator).Append(childPadding);
                    }
                    Write(sb, array[i], options, depth + 1, convertUndefined);
                }
                sb.Append(basePadding).Append(']');
                return;
            }
            sb.Append('[');
            for (var i = 0; i < array.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(itemSeparator);
                }
                Write(sb, array[i], options, depth + 1, convertUndefined);
            }
            sb.Append(']');
            return;
        }

        IEnumerable<KeyValuePair<string, object?>> entries = (IDictionary<string, object?>)value;
        if (options.SortKeys)
        {
            entries = entries.OrderBy(e => e.Key, StringComparer.InvariantCulture);
        }
        sb.Append('{');
        var first = true;
        foreach (var (key, item) in entries)
        {
            if (!first)
            {
                sb.Append(itemSeparator);
            }
            first = false;
            if (indent.Length > 0)
            {
                sb.Append(childPadding);
            }
            WriteString(sb, key, options.EnsureAscii);
            sb.Append(keySeparator);
            Write(sb, item, options, depth + 1, convertUndefined);
        }
        if (indent.Length > 0 && !first)
        {
            sb.Append(basePadding);
        }
        sb.Append('}');
    }

    private static void WriteString(StringBuilder sb, string s, bool ensureAscii)
    {
        if (!ensureAscii)
        {
            TemplateValue.AppendJsonString(sb, s);
            return;
        }
        var inner = new StringBuilder();
        TemplateValue.AppendJsonString(inner, s);
        foreach (var c in inner.ToString())
        {
            if (c >= 0x7f)
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
    }
}
