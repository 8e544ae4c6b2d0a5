using System.Globalization;
using System.Text;

namespace Gateway.Inference.Templates;

#pragma warning disable SA1649, SA1402 // The runtime's value kinds are kept together.

/// <summary>Jinja's undefined: what a missing variable, key or attribute evaluates to.</summary>
internal sealed class Undefined
{
    public static readonly Undefined Instance = new();

    private Undefined()
    {
    }
}

/// <summary>A list value (Jinja lists and tuples alike).</summary>
internal sealed class JArray : List<object?>
{
    /// <summary>Made by a tuple literal: the reference renderer refuses to unpack these in loops, or call them iterable.</summary>
    public bool IsTuple { get; init; }

    public JArray()
    {
    }

    public JArray(IEnumerable<object?> items)
        : base(items)
    {
    }
}

/// <summary>A mapping value; insertion order is kept, as templates iterate and serialise mappings in order.</summary>
internal class JObject : Dictionary<string, object?>
{
    public JObject()
        : base(StringComparer.Ordinal)
    {
    }

    public JObject(IEnumerable<KeyValuePair<string, object?>> entries)
        : base(entries, StringComparer.Ordinal)
    {
    }
}

/// <summary>The keyword arguments of a call, passed as the last positional argument as @huggingface/jinja does.</summary>
internal sealed class JKeywordArguments : JObject
{
    public JKeywordArguments(IEnumerable<KeyValuePair<string, object?>> entries)
        : base(entries)
    {
    }
}

/// <summary>A <c>namespace()</c>: the one object a template may assign attributes on, across loop scopes.</summary>
internal sealed class JNamespace : Dictionary<string, object?>
{
    public JNamespace()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>A callable: a macro, a caller block, a global such as <c>raise_exception</c>, or a bound method.</summary>
internal sealed class JFunction(Func<List<object?>, Scope, object?> invoke)
{
    public Func<List<object?>, Scope, object?> Invoke { get; } = invoke;
}

/// <summary>Names the values of the runtime, with the messages and conversions they share.</summary>
internal static class TemplateValue
{
    public static string TypeName(object? value) => value switch
    {
        null => "NullValue",
        Undefined => "UndefinedValue",
        bool => "BooleanValue",
        long => "IntegerValue",
        double => "FloatValue",
        string => "StringValue",
        JArray { IsTuple: true } => "TupleValue",
        JArray => "ArrayValue",
        JKeywordArguments => "KeywordArgumentsValue",
        JObject => "ObjectValue",
        JNamespace => "NamespaceValue",
        JFunction => "FunctionValue",
        _ => value.GetType().Name,
    };

    public static bool IsTruthy(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        JArray a => a.Count > 0,
        JObject o => o.Count > 0,
        _ => true,
    };

    public static bool IsNumber(object? value) => value is long or double;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => double.NaN,
    };

    /// <summary>How a value prints in the output (<c>{{ value }}</c>).</summary>
    public static string ToOutput(object? value) => value switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatText(d),
        bool b => b ? "true" : "false",
        JArray or JObject or JNamespace => TemplateJson.Serialize(value, null, convertUndefinedToNull: false),
        null => "null",
        Undefined => "undefined",
        _ => "function",
    };

    /// <summary>How a value reads when concatenated with <c>~</c> or <c>+</c> (JavaScript's <c>String(value)</c>).</summary>
    public static string ToConcat(object? value) => value switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => JsNumber(d),
        bool b => b ? "true" : "false",
        JObject or JNamespace => "[object Map]",
        JArray a => string.Join(",", a.Select(ToOutput)),
        _ => "",
    };

    public static string FloatText(double d)
    {
        if (d == 0 && double.IsNegative(d))
        {
            return "-0.0";
        }
        return d % 1 == 0 && Math.Abs(d) < 1e21 ? d.ToString("F1", CultureInfo.InvariantCulture) : JsNumber(d);
    }

    /// <summary>JavaScript's Number-to-string: integers without a fraction, exponents from 1e21 and below 1e-6.</summary>
    public static string JsNumber(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0)
        {
            return "0";
        }
        var abs = Math.Abs(d);
        if (abs >= 1e21 || abs < 1e-6)
        {
            var r = d.ToString("E16", CultureInfo.InvariantCulture);
            var parsed = d.ToString("R", CultureInfo.InvariantCulture);
            var mantissaEnd = parsed.IndexOf('E');
            var exponent = int.Parse(r[(r.IndexOf('E') + 1)..], CultureInfo.InvariantCulture);
            var digits = (mantissaEnd >= 0 ? parsed[..mantissaEnd] : parsed).Replace("-", "").Replace(".", "").TrimStart('0').TrimEnd('0');
            var mantissa = digits.Length > 1 ? $"{digits[0]}.{digits[1..]}" : digits;
            return $"{(d < 0 ? "-" : "")}{mantissa}e{(exponent >= 0 ? "+" : "-")}{Math.Abs(exponent)}";
        }
        if (d % 1 == 0)
        {
            return d.ToString("F0", CultureInfo.InvariantCulture);
        }
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('E') ? decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : text;
    }

    /// <summary>JavaScript's <c>==</c> on the underlying values, which @huggingface/jinja uses for Jinja's <c>==</c>.</summary>
    public static bool LooseEquals(object? a, object? b)
    {
        if (a is null or Undefined || b is null or Undefined)
        {
            return a is null or Undefined && b is null or Undefined;
        }
        if (a is string sa && b is string sb)
        {
            return string.Equals(sa, sb, StringComparison.Ordinal);
        }
        if (a is long or double or bool && b is long or double or bool)
        {
            return ToDouble(a) == ToDouble(b);
        }
        if (a is string s1 && b is long or double or bool)
        {
            return StringToNumber(s1) == ToDouble(b);
        }
        if (b is string s2 && a is long or double or bool)
        {
            return StringToNumber(s2) == ToDouble(a);
        }
        return ReferenceEquals(a, b);
    }

    /// <summary>JavaScript's <c>===</c> on the underlying values (the <c>in</c> operator and the <c>equalto</c> test).</summary>
    public static bool StrictEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (Undefined, Undefined) => true,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (long or double, long or double) => ToDouble(a) == ToDouble(b),
        (bool x, bool y) => x == y,
        _ => a is not null && ReferenceEquals(a, b),
    };

    private static double StringToNumber(string s)
    {
        var t = TemplateLexer.Trim(s);
        return t.Length == 0 ? 0 : double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
    }

    /// <summary>The code points of a string, as JavaScript's <c>Array.from(string)</c> splits it.</summary>
    public static List<string> CodePoints(string s)
    {
        var result = new List<string>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                result.Add(s.Substring(i++, 2));
            }
            else
            {
                result.Add(s[i].ToString());
            }
        }
        return result;
    }

    /// <summary>Orders two values for <c>sort</c> and <c>dictsort</c>: numbers with numbers, strings with strings.</summary>
    public static int Compare(object? a, object? b, bool caseSensitive)
    {
        if (a is null && b is null || a is Undefined && b is Undefined)
        {
            return 0;
        }
        if (a is null or Undefined || b is null or Undefined)
        {
            throw new TemplateRuntimeException($"Cannot compare {TypeName(a)} with {TypeName(b)}");
        }
        if (a is long or double or bool && b is long or double or bool)
        {
            return ToDouble(a).CompareTo(ToDouble(b));
        }
        if (a is string x && b is string y)
        {
            if (!caseSensitive)
            {
                x = x.ToLowerInvariant();
                y = y.ToLowerInvariant();
            }
            return Math.Sign(string.CompareOrdinal(x, y));
        }
        throw new TemplateRuntimeException(TypeName(a) == TypeName(b) ? $"Cannot compare type: {TypeName(a)}" : $"Cannot compare different types: {TypeName(a)} and {TypeName(b)}");
    }

    /// <summary>Turns parsed JSON (a request's messages and tools) into template values.</summary>
    public static object? FromJson(System.Text.Json.JsonElement element) => element.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => element.GetString(),
        System.Text.Json.JsonValueKind.Number => element.TryGetInt64(out var l) && !element.GetRawText().Contains('.') && !element.GetRawText().Contains('e', StringComparison.OrdinalIgnoreCase)
            ? l
            : Normalise(element.GetDouble()),
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        System.Text.Json.JsonValueKind.Array => new JArray(element.EnumerateArray().Select(FromJson)),
        System.Text.Json.JsonValueKind.Object => FromJsonObject(element),
        _ => null,
    };

    // JavaScript has one number type: a JSON 2.0 is the integer 2 there, and prints as such.
    private static object Normalise(double d) => d % 1 == 0 && Math.Abs(d) < 9e15 ? (long)d : d;

    private static JObject FromJsonObject(System.Text.Json.JsonElement element)
    {
        var result = new JObject();
        foreach (var property in element.EnumerateObject())
        {
            result[property.Name] = FromJson(property.Value);
        }
        return result;
    }

    internal static void AppendJsonString(StringBuilder sb, string value)
    {
        sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || (char.IsSurrogate(c) && !IsPairedSurrogate(value, i)))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }

    private static bool IsPairedSurrogate(string s, int i) => char.IsHighSurrogate(s[i])
        ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])
        : i > 0 && char.IsHighSurrogate(s[i - 1]);
}
