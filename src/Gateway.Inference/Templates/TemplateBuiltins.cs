using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Inference.Templates;

/// <summary>The methods and attributes values carry: <c>str.strip()</c>, <c>dict.get()</c>, <c>list.length</c>…</summary>
internal static partial class TemplateBuiltins
{
    [GeneratedRegex(@"\b\w")]
    private static partial Regex WordStart();

    [GeneratedRegex(@"\S+")]
    private static partial Regex NonSpace();

    /// <summary>The member <paramref name="name"/> of a value, or null when it has none.</summary>
    public static object? Member(object? value, string name) => value switch
    {
        string s => StringMember(s, name),
        JArray a => name == "length" ? (long)a.Count : null,
        JObject o => ObjectMember(o, name),
        _ => null,
    };

    public static string Title(string value) => WordStart().Replace(value, m => m.Value.ToUpperInvariant());

    private static object? StringMember(string s, string name) => name switch
    {
        "upper" => Fn(_ => s.ToUpperInvariant()),
        "lower" => Fn(_ => s.ToLowerInvariant()),
        "strip" => Fn(_ => TemplateLexer.Trim(s)),
        "title" => Fn(_ => Title(s)),
        "capitalize" => Fn(_ => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..]),
        "length" => (long)s.Length,
        "rstrip" => Fn(_ => TemplateLexer.TrimEnd(s)),
        "lstrip" => Fn(_ => TemplateLexer.TrimStart(s)),
        "startswith" => Fn(args => Affix(s, args, "startswith", (x, p) => x.StartsWith(p, StringComparison.Ordinal))),
        "endswith" => Fn(args => Affix(s, args, "endswith", (x, p) => x.EndsWith(p, StringComparison.Ordinal))),
        "split" => Fn(args => Split(s, args)),
        "replace" => Fn(args => Replace(s, args)),
        _ => null,
    };

    private static JFunction Fn(Func<List<object?>, object?> body) => new((args, _) => body(args));

    private static bool Affix(string s, List<object?> args, string name, Func<string, string, bool> test)
    {
        if (args.Count == 0)
        {
            throw new TemplateRuntimeException($"{name}() requires at least one argument");
        }
        return args[0] switch
        {
            string pattern => test(s, pattern),
            JArray patterns => patterns.Any(p => p is string ps ? test(s, ps) : throw new TemplateRuntimeException($"{name}() tuple elements must be strings")),
            _ => throw new TemplateRuntimeException($"{name}() argument must be a string or tuple of strings"),
        };
    }

    private static JArray Split(string s, List<object?> args)
    {
        var sep = args.Count > 0 ? args[0] : null;
        if (sep is not (string or null))
        {
            throw new TemplateRuntimeException("sep argument must be a string or null");
        }
        var maxSplit = args.Count > 1 ? args[1] as long? ?? throw new TemplateRuntimeException("maxsplit argument must be a number") : -1;
        var result = new JArray();
        if (sep is null)
        {
            var text = TemplateLexer.TrimStart(s);
            foreach (Match match in NonSpace().Matches(text))
            {
                if (maxSplit >= 0 && result.Count >= maxSplit)
                {
                    result.Add(match.Value + text[(match.Index + match.Length)..]);
                    break;
                }
                result.Add(match.Value);
            }
            return result;
        }
        var separator = (string)sep;
        if (separator.Length == 0)
        {
            throw new TemplateRuntimeException("empty separator");
        }
        var parts = s.Split(separator);
        if (maxSplit >= 0 && parts.Length > maxSplit)
        {
            result.AddRange(parts.Take((int)maxSplit));
            result.Add(string.Join(separator, parts.Skip((int)maxSplit)));
            return result;
        }
        result.AddRange(parts);
        return result;
    }

    internal static string Replace(string s, List<object?> args)
    {
        if (args.Count < 2)
        {
            throw new TemplateRuntimeException("replace() requires at least two arguments");
        }
        if (args[0] is not string oldValue || args[1] is not string newValue)
        {
            throw new TemplateRuntimeException("replace() arguments must be strings");
        }
        object? count = null;
        if (args.Count > 2)
        {
            count = args[2] is JKeywordArguments kw ? kw.GetValueOrDefault("count") : args[2];
        }
        if (count is not (long or null))
        {
            throw new TemplateRuntimeException("replace() count argument must be a number or null");
        }
        var remaining = count is long c && c >= 0 ? c : long.MaxValue;
        if (remaining == 0)
        {
            return s;
        }
        if (oldValue.Length == 0)
        {
            // JavaScript's empty pattern matches between code points, and at both ends.
            var sb = new StringBuilder();
            foreach (var point in TemplateValue.CodePoints(s))
            {
                if (remaining-- > 0)
                {
                    sb.Append(newValue);
                }
                sb.Append(point);
            }
            if (remaining > 0)
            {
                sb.Append(newValue);
            }
            return sb.ToString();
        }
        if (remaining == long.MaxValue)
        {
            return s.Replace(oldValue, newValue, StringComparison.Ordinal);
        }
        var result = new StringBuilder();
        var pos = 0;
        while (remaining-- > 0)
        {
            var at = s.IndexOf(oldValue, pos, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }
            result.Append(s, pos, at - pos).Append(newValue);
            pos = at + oldValue.Length;
        }
        return result.Append(s, pos, s.Length - pos).ToString();
    }

    private static object? ObjectMember(JObject o, string name) => name switch
    {
        "get" => Fn(args =>
        {
            var key = args.Count > 0 ? args[0] : Undefined.Instance;
            if (key is not string k)
            {
                throw new TemplateRuntimeException($"Object key must be a string: got {TemplateValue.TypeName(key)}");
            }
            return o.TryGetValue(k, out var v) ? v : args.Count > 1 ? args[1] : null;
        }),
        "items" => Fn(_ => Items(o)),
        "keys" => Fn(_ => new JArray(o.Keys)),
        "values" => Fn(_ => new JArray(o.Values)),
        "dictsort" => Fn(args => DictSort(o, args)),
        _ => null,
    };

    public static JArray Items(JObject o) => new(o.Select(e => (object?)new JArray { e.Key, e.Value }));

    private static JArray DictSort(JObject o, List<object?> args)
    {
        var kwargs = args.OfType<JKeywordArguments>().LastOrDefault() ?? new JKeywordArguments([]);
        var positional = args.Where(a => a is not JKeywordArguments).ToList();
        var caseSensitive = (positional.ElementAtOrDefault(0) ?? kwargs.GetValueOrDefault("case_sensitive") ?? false) as bool? ?? throw new TemplateRuntimeException("case_sensitive must be a boolean");
        var by = (positional.ElementAtOrDefault(1) ?? kwargs.GetValueOrDefault("by") ?? "key") as string ?? throw new TemplateRuntimeException("by must be a string");
        if (by is not ("key" or "value"))
        {
            throw new TemplateRuntimeException("by must be either 'key' or 'value'");
        }
        var reverse = (positional.ElementAtOrDefault(2) ?? kwargs.GetValueOrDefault("reverse") ?? false) as bool? ?? throw new TemplateRuntimeException("reverse must be a boolean");
        var index = by == "key" ? 0 : 1;
        var items = Items(o).Cast<JArray>().ToList();
        var sorted = items.Order(Comparer<JArray>.Create((a, b) =>
        {
            var r = TemplateValue.Compare(a[index], b[index], caseSensitive);
            return reverse ? -r : r;
        }));
        return new JArray(sorted);
    }

    /// <summary>The globals every template sees: <c>raise_exception</c>, <c>range</c>, <c>strftime_now</c>, <c>namespace</c>…</summary>
    public static void AddGlobals(Scope scope)
    {
        scope.Set("false", false);
        scope.Set("true", true);
        scope.Set("none", null);
        scope.Set("True", true);
        scope.Set("False", false);
        scope.Set("None", null);
        scope.Set("namespace", new JFunction((args, _) => Namespace(args)));
        scope.Set("raise_exception", new JFunction((args, _) =>
            throw new TemplateRaisedException(args.Count > 0 ? ArgumentText(args[0]) : "undefined")));
        scope.Set("range", new JFunction((args, s) => Range(args, s.State)));
        scope.Set("strftime_now", new JFunction((args, s) => Strftime(s.State.Now, args.Count > 0 && args[0] is string f ? f : "")));
    }

    // What JavaScript's Error(message) makes of a non-string message.
    private static string ArgumentText(object? value) => value switch
    {
        string s => s,
        null => "null",
        Undefined => "",
        _ => TemplateValue.ToConcat(value),
    };

    private static JNamespace Namespace(List<object?> args)
    {
        var positional = new List<object?>(args);
        JKeywordArguments? kwargs = null;
        if (positional.Count > 0 && positional[^1] is JKeywordArguments k)
        {
            kwargs = k;
            positional.RemoveAt(positional.Count - 1);
        }
        if (positional.Count > 1)
        {
            throw new TemplateRuntimeException($"namespace expected at most 1 argument, got {positional.Count}");
        }
        var result = new JNamespace();
        if (positional.Count == 1)
        {
            switch (positional[0])
            {
                case JObject source:
                    foreach (var (key, value) in source)
                    {
                        result[key] = value;
                    }
                    break;
                case JArray pairs:
                    foreach (var pair in pairs)
                    {
                        if (pair is not JArray { Count: 2 } entry)
                        {
                            throw new TemplateRuntimeException("namespace expected an object or an iterable of [key, value] pairs");
                        }
                        result[entry[0] as string ?? throw new TemplateRuntimeException("namespace keys must be strings")] = entry[1];
                    }
                    break;
                default:
                    throw new TemplateRuntimeException($"'{TemplateValue.TypeName(positional[0])}' object is not iterable");
            }
        }
        if (kwargs is not null)
        {
            foreach (var (key, value) in kwargs)
            {
                result[key] = value;
            }
        }
        return result;
    }

    private static JArray Range(List<object?> args, RenderState state)
    {
        long Arg(int i, long fallback) => i < args.Count && args[i] is not (null or Undefined)
            ? args[i] is long l ? l : throw new TemplateRuntimeException("range() arguments must be integers")
            : fallback;
        long start = 0, stop, step = Arg(2, 1);
        if (args.Count < 2 || args[1] is null or Undefined)
        {
            stop = Arg(0, 0);
        }
        else
        {
            start = Arg(0, 0);
            stop = Arg(1, 0);
        }
        if (step == 0)
        {
            throw new TemplateRuntimeException("range() step must not be zero");
        }
        var count = step > 0 ? Math.Max(0, (stop - start + step - 1) / step) : Math.Max(0, (start - stop - step - 1) / -step);
        state.CountIterations(count);
        var result = new JArray();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            result.Add(i);
        }
        return result;
    }

    private static string Strftime(DateTimeOffset now, string format)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var token = format[i + 1];
            var text = token switch
            {
                'Y' => now.Year.ToString(CultureInfo.InvariantCulture),
                'm' => now.Month.ToString("00", CultureInfo.InvariantCulture),
                'd' => now.Day.ToString("00", CultureInfo.InvariantCulture),
                'b' => CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(now.Month),
                'B' => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(now.Month),
                'H' => now.Hour.ToString("00", CultureInfo.InvariantCulture),
                'M' => now.Minute.ToString("00", CultureInfo.InvariantCulture),
                '%' => "%",
                _ => null,
            };
            if (text is null)
            {
                sb.Append('%');
                continue;
            }
            sb.Append(text);
            i++;
        }
        return sb.ToString();
    }
}
