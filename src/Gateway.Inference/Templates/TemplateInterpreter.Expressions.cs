namespace Gateway.Inference.Templates;

/// <summary>Operators, member access and slicing, macros and call blocks.</summary>
internal static partial class TemplateInterpreter
{
    private static object? EvaluateBinary(BinaryNode node, Scope scope)
    {
        var op = node.Operator;
        var left = Evaluate(node.Left, scope);
        if (op == "and")
        {
            return TemplateValue.IsTruthy(left) ? Evaluate(node.Right, scope) : left;
        }
        if (op == "or")
        {
            return TemplateValue.IsTruthy(left) ? left : Evaluate(node.Right, scope);
        }
        var right = Evaluate(node.Right, scope);
        if (op == "==")
        {
            return TemplateValue.LooseEquals(left, right);
        }
        if (op == "!=")
        {
            return !TemplateValue.LooseEquals(left, right);
        }

        if (left is long or double && right is long or double && op is not ("~" or "**"))
        {
            var isFloat = left is double || right is double;
            var a = TemplateValue.ToDouble(left);
            var b = TemplateValue.ToDouble(right);
            switch (op)
            {
                case "+" or "-" or "*":
                    if (!isFloat)
                    {
                        long x = (long)left!, y = (long)right!;
                        try
                        {
                            return checked(op == "+" ? x + y : op == "-" ? x - y : x * y);
                        }
                        catch (OverflowException)
                        {
                            return op == "+" ? a + b : op == "-" ? a - b : a * b;
                        }
                    }
                    return op == "+" ? a + b : op == "-" ? a - b : a * b;
                case "/":
                    return a / b;
                case "//":
                    if (b == 0)
                    {
                        throw new TemplateRuntimeException("Division by zero");
                    }
                    return isFloat ? Math.Floor(a / b) : (object)(long)Math.Floor(a / b);
                case "%":
                    if (!isFloat)
                    {
                        return (long)right! == 0 ? throw new TemplateRuntimeException("Modulo by zero") : (long)left! % (long)right!;
                    }
                    return a % b;
                case "<":
                    return a < b;
                case ">":
                    return a > b;
                case ">=":
                    return a >= b;
                case "<=":
                    return a <= b;
            }
        }
        else if (left is Undefined || right is Undefined)
        {
            if (right is Undefined && op is "in" or "not in")
            {
                return op == "not in";
            }
            if (op == "~" && left is not null && right is not null)
            {
                return (left is Undefined ? "" : TemplateValue.ToConcat(left)) + (right is Undefined ? "" : TemplateValue.ToConcat(right));
            }
            throw new TemplateRuntimeException($"Cannot perform operation {op} on undefined values");
        }
        else if (left is null || right is null)
        {
            throw new TemplateRuntimeException("Cannot perform operation on null values");
        }
        else if (op == "~")
        {
            return Limit(TemplateValue.ToConcat(left) + TemplateValue.ToConcat(right), scope);
        }
        else if (op == "**" && left is long or double or bool && right is long or double or bool)
        {
            var a = TemplateValue.ToDouble(left);
            var b = TemplateValue.ToDouble(right);
            if (a == 0 && b < 0)
            {
                throw new TemplateRuntimeException("0.0 cannot be raised to a negative power");
            }
            var result = Math.Pow(a, b);
            if (!double.IsFinite(result))
            {
                throw new TemplateRuntimeException("Exponentiation result is not a finite real number");
            }
            return left is double || right is double || b < 0 || Math.Abs(result) >= 9e18 ? result : (long)result;
        }
        else if (left is JArray la && right is JArray ra)
        {
            if (op == "+")
            {
                scope.State.CountIterations(la.Count + ra.Count);
                return new JArray(la.Concat(ra));
            }
        }
        else if (right is JArray list)
        {
            if (op is "in" or "not in")
            {
                var member = list.Exists(x => TemplateValue.StrictEquals(x, left));
                return op == "in" ? member : !member;
            }
        }

        if ((left is string || right is string) && op == "+")
        {
            return Limit(TemplateValue.ToConcat(left) + TemplateValue.ToConcat(right), scope);
        }
        if (left is string ls && right is string rs && op is "in" or "not in")
        {
            var contains = rs.Contains(ls, StringComparison.Ordinal);
            return op == "in" ? contains : !contains;
        }
        if (left is string key && right is JObject mapping && op is "in" or "not in")
        {
            var has = mapping.ContainsKey(key);
            return op == "in" ? has : !has;
        }
        throw new TemplateRuntimeException($"Unknown operator \"{op}\" between {TemplateValue.TypeName(left)} and {TemplateValue.TypeName(right)}");
    }

    private static string Limit(string value, Scope scope)
    {
        scope.State.CheckOutput(value.Length);
        return value;
    }

    private static object? EvaluateMember(MemberNode node, Scope scope)
    {
        var obj = Evaluate(node.Object, scope);
        object? property;
        if (node.Computed)
        {
            if (node.Property is SliceNode slice)
            {
                return EvaluateSlice(obj, slice, scope);
            }
            property = Evaluate(node.Property, scope);
        }
        else
        {
            property = node.Property is IntegerLiteral i ? i.Value : ((Identifier)node.Property).Name;
        }

        object? value;
        if (obj is JObject or JNamespace)
        {
            var name = property as string ?? throw new TemplateRuntimeException($"Cannot access property with non-string: got {TemplateValue.TypeName(property)}");
            var dict = (Dictionary<string, object?>)obj;
            if (dict.TryGetValue(name, out var found))
            {
                return found;
            }
            value = obj is JObject o ? TemplateBuiltins.Member(o, name) : null;
        }
        else if (obj is JArray or string)
        {
            if (property is long index)
            {
                if (obj is string s)
                {
                    var at = index < 0 ? s.Length + index : index;
                    value = at >= 0 && at < s.Length ? s[(int)at].ToString() : null;
                }
                else
                {
                    var array = (JArray)obj;
                    var at = index < 0 ? array.Count + index : index;
                    return at >= 0 && at < array.Count ? array[(int)at] : Undefined.Instance;
                }
            }
            else if (property is string name)
            {
                value = TemplateBuiltins.Member(obj, name);
            }
            else
            {
                throw new TemplateRuntimeException($"Cannot access property with non-string/non-number: got {TemplateValue.TypeName(property)}");
            }
        }
        else
        {
            var name = property as string ?? throw new TemplateRuntimeException($"Cannot access property with non-string: got {TemplateValue.TypeName(property)}");
            value = TemplateBuiltins.Member(obj, name);
        }
        return value ?? Undefined.Instance;
    }

    private static object EvaluateSlice(object? obj, SliceNode node, Scope scope)
    {
        if (obj is not (JArray or string))
        {
            throw new TemplateRuntimeException("Slice object must be an array or string");
        }
        long? Part(Node? part, string name) => Evaluate(part, scope) switch
        {
            long l => l,
            Undefined => null,
            _ => throw new TemplateRuntimeException($"Slice {name} must be numeric or undefined"),
        };
        var start = Part(node.Start, "start");
        var stop = Part(node.Stop, "stop");
        var step = Part(node.Step, "step");
        if (obj is JArray array)
        {
            return new JArray(Slice(array, start, stop, step ?? 1));
        }
        return string.Concat(Slice(TemplateValue.CodePoints((string)obj), start, stop, step ?? 1));
    }

    internal static List<T> Slice<T>(List<T> array, long? startArg, long? stopArg, long step)
    {
        if (step == 0)
        {
            throw new TemplateRuntimeException("slice step cannot be zero");
        }
        long length = array.Count;
        long start, stop;
        if (step > 0)
        {
            start = startArg ?? 0;
            start = start < 0 ? Math.Max(length + start, 0) : Math.Min(start, length);
            stop = stopArg ?? length;
            stop = stop < 0 ? Math.Max(length + stop, 0) : Math.Min(stop, length);
        }
        else
        {
            start = startArg ?? length - 1;
            start = start < 0 ? Math.Max(length + start, -1) : Math.Min(start, length - 1);
            stop = stopArg ?? -1;
            stop = stop < -1 ? Math.Max(length + stop, -1) : Math.Min(stop, length - 1);
        }
        var direction = Math.Sign(step);
        var result = new List<T>();
        for (var i = start; direction * i < direction * stop; i += step)
        {
            result.Add(array[(int)i]);
        }
        return result;
    }

    private static object? DefineMacro(MacroNode node, Scope environment)
    {
        environment.Set(node.Name, new JFunction((args, callSite) =>
        {
            var parent = environment;
            if (node.Special.HasFlag(SpecialArguments.Caller))
            {
                object? caller = Undefined.Instance;
                if (callSite.IsCallBlock && callSite.TryGetLocal("caller", out var found))
                {
                    caller = found;
                }
                parent = new Scope(environment, environment.State);
                parent.Set("caller", caller);
            }
            var macroScope = new Scope(parent, environment.State);
            BindMacroArguments($"'{node.Name}'", node.Args, node.Special, args, macroScope);
            return Call(node.Body, macroScope);
        }));
        return null;
    }

    private static string Call(Node[] body, Scope scope)
    {
        var state = scope.State;
        if (++state.CallDepth > state.Limits.MaxCallDepth)
        {
            throw new TemplateLimitException($"The template's macros nest deeper than {state.Limits.MaxCallDepth} calls.");
        }
        try
        {
            return RenderToString(body, scope);
        }
        finally
        {
            state.CallDepth--;
        }
    }

    private static void BindMacroArguments(string displayName, Node[] parameters, SpecialArguments special, List<object?> args, Scope scope)
    {
        var positional = new List<object?>(args);
        var keywords = new JObject();
        if (positional.Count > 0 && positional[^1] is JKeywordArguments kwargs)
        {
            positional.RemoveAt(positional.Count - 1);
            keywords = new JObject(kwargs);
        }
        var pending = new List<(string, Node)>();
        for (var i = 0; i < parameters.Length; i++)
        {
            var (name, defaultValue) = parameters[i] switch
            {
                Identifier id => (id.Name, (Node?)null),
                KeywordArgument kw => (kw.Key, kw.Value),
                _ => throw new TemplateRuntimeException("Invalid macro parameter"),
            };
            var provided = i < positional.Count;
            var value = provided ? positional[i] : Undefined.Instance;
            if (!provided && keywords.Remove(name, out var named))
            {
                value = named;
                provided = true;
            }
            if (!provided && defaultValue is not null)
            {
                pending.Add((name, defaultValue));
            }
            scope.Set(name, value);
        }
        if (special.HasFlag(SpecialArguments.Kwargs))
        {
            scope.Set("kwargs", keywords);
        }
        else if (keywords.Count > 0)
        {
            throw new TemplateRuntimeException($"macro {displayName} takes no keyword argument '{keywords.Keys.First()}'");
        }
        if (special.HasFlag(SpecialArguments.Varargs))
        {
            scope.Set("varargs", new JArray(positional.Skip(parameters.Length)));
        }
        else if (positional.Count > parameters.Length)
        {
            throw new TemplateRuntimeException($"macro {displayName} takes not more than {parameters.Length} argument(s)");
        }
        foreach (var (name, defaultValue) in pending)
        {
            scope.Set(name, Evaluate(defaultValue, scope));
        }
    }

    private static object? EvaluateCallStatement(CallStatementNode node, Scope environment)
    {
        var parameters = node.CallerArgs ?? [];
        var callerFn = new JFunction((callerArgs, _) =>
        {
            var callBlockScope = new Scope(environment, environment.State);
            BindMacroArguments("None", parameters, node.Special, callerArgs, callBlockScope);
            return Call(node.Body, callBlockScope);
        });
        var (macroArgs, macroKwargs) = EvaluateArguments(node.Call.Args, environment);
        macroArgs.Add(new JKeywordArguments(macroKwargs));
        var fn = Evaluate(node.Call.Callee, environment) as JFunction
            ?? throw new TemplateRuntimeException("Cannot call something that is not a function");
        var callSite = new Scope(environment, environment.State) { IsCallBlock = true };
        callSite.Set("caller", callerFn);
        return fn.Invoke(macroArgs, callSite);
    }
}
