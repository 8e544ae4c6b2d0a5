using System.Globalization;

namespace Gateway.Inference.Templates;

/// <summary>Filters (<c>x | name</c> and <c>x | name(args)</c>), dispatched on the operand's type as the reference does.</summary>
internal static partial class TemplateInterpreter
{
    private static object? ApplyFilter(object? operand, Node filterNode, Scope scope)
    {
        if (filterNode is Identifier filter)
        {
            return ApplySimpleFilter(operand, filter.Name, scope);
        }
        if (filterNode is not CallNode { Callee: Identifier callee } call)
        {
            throw new TemplateRuntimeException("Unknown filter");
        }
        var name = callee.Name;
        switch (name)
        {
            case "tojson":
                return ToJsonFilter(operand, call.Args, scope);
            case "join":
                {
                    IEnumerable<object?> items = operand switch
                    {
                        string s => TemplateValue.CodePoints(s),
                        JArray a => a,
                        _ => throw new TemplateRuntimeException($"Cannot apply filter \"{name}\" to type: {TemplateValue.TypeName(operand)}"),
                    };
                    var (args, kwargs) = EvaluateArguments(call.Args, scope);
                    var separator = (args.Count > 0 ? args[0] : kwargs.GetValueOrDefault("separator") ?? "") as string
                        ?? throw new TemplateRuntimeException("separator must be a string");
                    return Limit(string.Join(separator, items.Select(JoinText)), scope);
                }
            case "int" or "float":
                {
                    var (args, kwargs) = EvaluateArguments(call.Args, scope);
                    var fallback = args.Count > 0 ? args[0] : kwargs.TryGetValue("default", out var d) ? d : name == "int" ? 0L : 0.0;
                    return operand switch
                    {
                        string s => ParseNumber(s, name == "int") ?? fallback,
                        long or double or bool => NumberFilter(operand, name),
                        _ => throw new TemplateRuntimeException($"Cannot apply filter \"{name}\" to type: {TemplateValue.TypeName(operand)}"),
                    };
                }
            case "default":
                {
                    var (args, kwargs) = EvaluateArguments(call.Args, scope);
                    var defaultValue = args.Count > 0 ? args[0] : "";
                    var boolean = (args.Count > 1 ? args[1] : kwargs.GetValueOrDefault("boolean") ?? false) as bool?
                        ?? throw new TemplateRuntimeException("`default` filter flag must be a boolean");
                    return operand is Undefined || (boolean && !TemplateValue.IsTruthy(operand)) ? defaultValue : operand;
                }
        }

        if (operand is JArray array)
        {
            switch (name)
            {
                case "sort":
                    return SortFilter(array, call.Args, scope);
                case "selectattr" or "rejectattr":
                    return SelectAttribute(array, name == "selectattr", call.Args, scope);
                case "map":
                    {
                        var (_, kwargs) = EvaluateArguments(call.Args, scope);
                        if (!kwargs.TryGetValue("attribute", out var attribute))
                        {
                            throw new TemplateRuntimeException("`map` expressions without `attribute` set are not currently supported.");
                        }
                        var path = attribute as string ?? throw new TemplateRuntimeException("attribute must be a string");
                        var hasDefault = kwargs.TryGetValue("default", out var defaultValue);
                        return new JArray(array.Select(item =>
                        {
                            if (item is not (JObject or JNamespace))
                            {
                                throw new TemplateRuntimeException("items in map must be an object");
                            }
                            var value = AttributeValue(item, path);
                            return value is Undefined ? (hasDefault ? defaultValue : Undefined.Instance) : value;
                        }));
                    }
            }
            throw new TemplateRuntimeException($"Unknown ArrayValue filter: {name}");
        }
        if (operand is string text)
        {
            switch (name)
            {
                case "indent":
                    {
                        var (args, kwargs) = EvaluateArguments(call.Args, scope);
                        var width = args.Count > 0 ? args[0] : kwargs.GetValueOrDefault("width") ?? 4L;
                        var first = TemplateValue.IsTruthy(args.Count > 1 ? args[1] : kwargs.GetValueOrDefault("first") ?? false);
                        var blank = TemplateValue.IsTruthy(args.Count > 2 ? args[2] : kwargs.GetValueOrDefault("blank") ?? false);
                        var indent = width switch
                        {
                            string s => s,
                            long l => new string(' ', (int)Math.Clamp(l, 0, 1024)),
                            _ => throw new TemplateRuntimeException("width must be an integer or a string"),
                        };
                        return Limit(Indent(text, indent, first, blank), scope);
                    }
                case "replace":
                    {
                        var (args, kwargs) = EvaluateArguments(call.Args, scope);
                        args.Add(new JKeywordArguments(kwargs));
                        return Limit(TemplateBuiltins.Replace(text, args), scope);
                    }
            }
            throw new TemplateRuntimeException($"Unknown StringValue filter: {name}");
        }
        if (operand is JObject mapping)
        {
            if (TemplateBuiltins.Member(mapping, name) is JFunction builtin)
            {
                return builtin.Invoke(EvaluateCallArguments(call.Args, scope), scope);
            }
            throw new TemplateRuntimeException($"Unknown ObjectValue filter: {name}");
        }
        throw new TemplateRuntimeException($"Cannot apply filter \"{name}\" to type: {TemplateValue.TypeName(operand)}");
    }

    private static string JoinText(object? item) => item switch
    {
        string s => s,
        null => "",
        Undefined => "",
        _ => TemplateValue.ToConcat(item),
    };

    private static object? ApplySimpleFilter(object? operand, string name, Scope scope)
    {
        if (name == "safe")
        {
            return operand;
        }
        if (name == "tojson")
        {
            return Limit(TemplateJson.Serialize(operand, null), scope);
        }
        switch (operand)
        {
            case JArray array:
                return name switch
                {
                    "list" => array,
                    "first" => array.Count > 0 ? array[0] : Undefined.Instance,
                    "last" => array.Count > 0 ? array[^1] : Undefined.Instance,
                    "length" => (long)array.Count,
                    "reverse" => new JArray(Enumerable.Reverse(array)),
                    "sort" => new JArray(array.Order(Comparer<object?>.Create((a, b) => TemplateValue.Compare(a, b, false)))),
                    "join" => Limit(string.Concat(array.Select(JoinText)), scope),
                    "string" => Limit(TemplateJson.Serialize(array, null, convertUndefinedToNull: false), scope),
                    "unique" => Unique(array),
                    _ => throw new TemplateRuntimeException($"Unknown ArrayValue filter: {name}"),
                };
            case string s:
                return name switch
                {
                    "length" => (long)s.Length,
                    "upper" => s.ToUpperInvariant(),
                    "lower" => s.ToLowerInvariant(),
                    "title" => TemplateBuiltins.Title(s),
                    "capitalize" => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..],
                    "trim" => TemplateLexer.Trim(s),
                    "indent" => Indent(s, "    ", false, false),
                    "join" or "string" => s,
                    "int" => ParseNumber(s, integer: true) ?? 0L,
                    "float" => ParseNumber(s, integer: false) ?? 0.0,
                    _ => throw new TemplateRuntimeException($"Unknown StringValue filter: {name}"),
                };
            case long or double:
                return name switch
                {
                    "abs" => operand is long l ? Math.Abs(l) : Math.Abs((double)operand),
                    "int" or "float" => NumberFilter(operand, name),
                    "string" => TemplateValue.ToOutput(operand),
                    _ => throw new TemplateRuntimeException($"Unknown NumericValue filter: {name}"),
                };
            case JObject mapping:
                switch (name)
                {
                    case "items":
                        return TemplateBuiltins.Items(mapping);
                    case "length":
                        return (long)mapping.Count;
                    default:
                        var builtin = TemplateBuiltins.Member(mapping, name);
                        return builtin is JFunction fn ? fn.Invoke([], scope)
                            : builtin ?? throw new TemplateRuntimeException($"Unknown ObjectValue filter: {name}");
                }
            case bool b:
                return name switch
                {
                    "bool" => b,
                    "int" => b ? 1L : 0L,
                    "float" => b ? 1.0 : 0.0,
                    "string" => b ? "true" : "false",
                    _ => throw new TemplateRuntimeException($"Unknown BooleanValue filter: {name}"),
                };
            default:
                throw new TemplateRuntimeException($"Cannot apply filter \"{name}\" to type: {TemplateValue.TypeName(operand)}");
        }
    }

    private static object NumberFilter(object? operand, string name) => operand switch
    {
        bool b => name == "int" ? (b ? 1L : 0L) : (b ? 1.0 : 0.0),
        long l => name == "int" ? l : (double)l,
        double d => name == "int" ? (long)Math.Truncate(d) : d,
        _ => 0L,
    };

    // JavaScript's parseInt / parseFloat: the longest numeric prefix after leading whitespace.
    private static object? ParseNumber(string s, bool integer)
    {
        var t = TemplateLexer.TrimStart(s);
        var end = 0;
        if (end < t.Length && t[end] is '+' or '-')
        {
            end++;
        }
        var digitsStart = end;
        while (end < t.Length && char.IsAsciiDigit(t[end]))
        {
            end++;
        }
        if (!integer)
        {
            if (end < t.Length && t[end] == '.')
            {
                end++;
                while (end < t.Length && char.IsAsciiDigit(t[end]))
                {
                    end++;
                }
            }
            var text = t[..end];
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && end > digitsStart ? f : null;
        }
        return end > digitsStart && long.TryParse(t[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static string Indent(string text, string indent, bool first, bool blank)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if ((first || i != 0) && (blank || lines[i].Length != 0))
            {
                lines[i] = indent + lines[i];
            }
        }
        return string.Join('\n', lines);
    }

    private static JArray Unique(JArray array)
    {
        var result = new JArray();
        foreach (var item in array)
        {
            if (!result.Exists(x => TemplateValue.StrictEquals(x, item)))
            {
                result.Add(item);
            }
        }
        return result;
    }

    private static string ToJsonFilter(object? operand, Node[] callArgs, Scope scope)
    {
        var (_, kwargs) = EvaluateArguments(callArgs, scope);
        var indent = kwargs.GetValueOrDefault("indent");
        if (indent is not (long or null))
        {
            throw new TemplateRuntimeException("If set, indent must be a number");
        }
        var ensureAscii = kwargs.GetValueOrDefault("ensure_ascii") ?? false;
        var sortKeys = kwargs.GetValueOrDefault("sort_keys") ?? false;
        if (ensureAscii is not bool || sortKeys is not bool)
        {
            throw new TemplateRuntimeException("If set, ensure_ascii and sort_keys must be booleans");
        }
        (string, string)? separators = null;
        switch (kwargs.GetValueOrDefault("separators"))
        {
            case JArray { Count: 2 } pair when pair[0] is string item && pair[1] is string key:
                separators = (item, key);
                break;
            case null:
                break;
            default:
                throw new TemplateRuntimeException("separators must be a tuple of two strings");
        }
        return Limit(TemplateJson.Serialize(operand, new JsonOptions(indent as long?, (bool)ensureAscii, separators, (bool)sortKeys)), scope);
    }

    private static JArray SortFilter(JArray array, Node[] callArgs, Scope scope)
    {
        var (args, kwargs) = EvaluateArguments(callArgs, scope);
        var reverse = (args.ElementAtOrDefault(0) ?? kwargs.GetValueOrDefault("reverse") ?? false) as bool? ?? throw new TemplateRuntimeException("reverse must be a boolean");
        var caseSensitive = (args.ElementAtOrDefault(1) ?? kwargs.GetValueOrDefault("case_sensitive") ?? false) as bool? ?? throw new TemplateRuntimeException("case_sensitive must be a boolean");
        var attribute = args.ElementAtOrDefault(2) ?? kwargs.GetValueOrDefault("attribute");
        if (attribute is not (string or long or null))
        {
            throw new TemplateRuntimeException("attribute must be a string, integer, or null");
        }
        object? Key(object? item) => attribute is null ? item : AttributeValue(item, Convert.ToString(attribute, CultureInfo.InvariantCulture)!);
        return new JArray(array.Order(Comparer<object?>.Create((a, b) =>
        {
            var r = TemplateValue.Compare(Key(a), Key(b), caseSensitive);
            return reverse ? -r : r;
        })));
    }

    private static JArray SelectAttribute(JArray array, bool select, Node[] callArgs, Scope scope)
    {
        var name = select ? "selectattr" : "rejectattr";
        if (array.Any(item => item is not (JObject or JNamespace)))
        {
            throw new TemplateRuntimeException($"`{name}` can only be applied to array of objects");
        }
        if (callArgs.Any(a => a is not StringLiteral))
        {
            throw new TemplateRuntimeException($"arguments of `{name}` must be strings");
        }
        var args = callArgs.Select(a => ((StringLiteral)a).Value).ToArray();
        if (args.Length == 0)
        {
            throw new TemplateRuntimeException($"`{name}` needs an attribute name");
        }
        if (args.Length > 1 && !TemplateTests.Exists(args[1]))
        {
            throw new TemplateRuntimeException($"Unknown test: {args[1]}");
        }
        var result = new JArray();
        foreach (var item in array)
        {
            var passed = ((Dictionary<string, object?>)item!).TryGetValue(args[0], out var value)
                && (args.Length > 1 ? TemplateTests.Run(args[1], value, args.Length > 2 ? args[2] : null, args.Length > 2) : TemplateValue.IsTruthy(value));
            if (passed == select)
            {
                result.Add(item);
            }
        }
        return result;
    }

    private static object? AttributeValue(object? item, string path)
    {
        var value = item;
        foreach (var part in path.Split('.'))
        {
            if (value is JObject or JNamespace)
            {
                value = ((Dictionary<string, object?>)value).TryGetValue(part, out var v) ? v : Undefined.Instance;
            }
            else if (value is JArray array)
            {
                if (!int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index) || index < 0 || index >= array.Count)
                {
                    return Undefined.Instance;
                }
                value = array[index];
            }
            else
            {
                return Undefined.Instance;
            }
        }
        return value;
    }
}
