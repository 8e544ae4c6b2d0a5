using System.Text;

namespace Gateway.Inference.Templates;

/// <summary>
/// Walks a parsed template with @huggingface/jinja's semantics (the reference the golden renderings come from).
/// Statements render into a <see cref="StringBuilder"/>; expressions evaluate to the values of
/// <see cref="TemplateValue"/>. Every loop iteration, call and output append is counted against the render's limits.
/// </summary>
internal static partial class TemplateInterpreter
{
    private sealed class BreakSignal : Exception;

    private sealed class ContinueSignal : Exception;

    private static readonly BreakSignal Break = new();
    private static readonly ContinueSignal Continue = new();

    public static void Render(Node[] statements, Scope scope, StringBuilder sb)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case TextNode text:
                    sb.Append(text.Value);
                    break;
                case IfNode node:
                    Render(TemplateValue.IsTruthy(Evaluate(node.Test, scope)) ? node.Body : node.Alternate, scope, sb);
                    break;
                case ForNode node:
                    RenderFor(node, scope, sb);
                    break;
                case SetNode node:
                    ExecuteSet(node, scope);
                    break;
                case CommentNode:
                    break;
                default:
                    var value = Evaluate(statement, scope);
                    if (value is not (null or Undefined))
                    {
                        sb.Append(TemplateValue.ToOutput(value));
                    }
                    break;
            }
            scope.State.CheckOutput(sb.Length);
        }
    }

    private static string RenderToString(Node[] statements, Scope scope)
    {
        var sb = new StringBuilder();
        Render(statements, scope, sb);
        return sb.ToString();
    }

    public static object? Evaluate(Node? node, Scope scope) => node switch
    {
        null => Undefined.Instance,
        Identifier id => scope.Lookup(id.Name),
        StringLiteral s => s.Value,
        IntegerLiteral i => i.Value,
        FloatLiteral f => f.Value,
        BinaryNode b => EvaluateBinary(b, scope),
        MemberNode m => EvaluateMember(m, scope),
        CallNode c => EvaluateCall(c, scope),
        FilterNode f => ApplyFilter(Evaluate(f.Operand, scope), f.Filter, scope),
        TestNode t => EvaluateTest(t, scope),
        TernaryNode t => TemplateValue.IsTruthy(Evaluate(t.Condition, scope)) ? Evaluate(t.TrueExpr, scope) : Evaluate(t.FalseExpr, scope),
        UnaryNode u => EvaluateUnary(u, scope),
        ArrayLiteral a => new JArray(a.Items.Select(x => Evaluate(x, scope))),
        TupleLiteral t => new JArray(t.Items.Select(x => Evaluate(x, scope))) { IsTuple = true },
        ObjectLiteral o => EvaluateObject(o, scope),
        SelectNode s => TemplateValue.IsTruthy(Evaluate(s.Test, scope)) ? Evaluate(s.Lhs, scope) : Undefined.Instance,
        IfNode i => RenderToString(TemplateValue.IsTruthy(Evaluate(i.Test, scope)) ? i.Body : i.Alternate, scope),
        SetNode s => ExecuteSetNull(s, scope),
        ForNode f => RenderForToString(f, scope),
        MacroNode m => DefineMacro(m, scope),
        CallStatementNode c => EvaluateCallStatement(c, scope),
        FilterStatementNode f => ApplyFilter(RenderToString(f.Body, scope), f.Filter, scope),
        CommentNode => null,
        BreakNode => throw Break,
        ContinueNode => throw Continue,
        _ => throw new TemplateRuntimeException($"Unknown node type: {node.GetType().Name}"),
    };

    private static object? ExecuteSetNull(SetNode node, Scope scope)
    {
        ExecuteSet(node, scope);
        return null;
    }

    private static string RenderForToString(ForNode node, Scope scope)
    {
        var sb = new StringBuilder();
        RenderFor(node, scope, sb);
        return sb.ToString();
    }

    private static JObject EvaluateObject(ObjectLiteral node, Scope scope)
    {
        var result = new JObject();
        foreach (var (keyNode, valueNode) in node.Entries)
        {
            var key = Evaluate(keyNode, scope) as string ?? throw new TemplateRuntimeException($"Object keys must be strings: got {TemplateValue.TypeName(Evaluate(keyNode, scope))}");
            result[key] = Evaluate(valueNode, scope);
        }
        return result;
    }

    private static object? EvaluateCall(CallNode node, Scope scope)
    {
        var args = EvaluateCallArguments(node.Args, scope);
        var fn = Evaluate(node.Callee, scope);
        return fn is JFunction function
            ? function.Invoke(args, scope)
            : throw new TemplateRuntimeException($"Cannot call something that is not a function: got {TemplateValue.TypeName(fn)}");
    }

    private static List<object?> EvaluateCallArguments(Node[] args, Scope scope)
    {
        if (args.Any(a => a is KeywordArgument or SpreadNode or KeywordSpreadNode))
        {
            var (positional, keywords) = EvaluateArguments(args, scope);
            if (keywords.Count > 0)
            {
                positional.Add(new JKeywordArguments(keywords));
            }
            return positional;
        }
        var result = new List<object?>(args.Length);
        foreach (var arg in args)
        {
            result.Add(Evaluate(arg, scope));
        }
        return result;
    }

    private static (List<object?> Positional, JObject Keywords) EvaluateArguments(Node[] args, Scope scope)
    {
        var positional = new List<object?>();
        var keywords = new JObject();
        void AddKeyword(string key, object? value)
        {
            if (!keywords.TryAdd(key, value))
            {
                throw new TemplateRuntimeException($"Got multiple values for keyword argument '{key}'");
            }
        }
        foreach (var arg in args)
        {
            if (arg is SpreadNode spread)
            {
                var value = Evaluate(spread.Argument, scope) as JArray ?? throw new TemplateRuntimeException("Cannot unpack non-iterable type");
                positional.AddRange(value);
            }
            else if (arg is not (KeywordArgument or KeywordSpreadNode))
            {
                positional.Add(Evaluate(arg, scope));
            }
        }
        foreach (var arg in args)
        {
            if (arg is KeywordArgument kw)
            {
                AddKeyword(kw.Key, Evaluate(kw.Value, scope));
            }
            else if (arg is KeywordSpreadNode ks)
            {
                var value = Evaluate(ks.Argument, scope);
                if (value is not JObject mapping)
                {
                    throw new TemplateRuntimeException($"Argument after ** must be a mapping, not {TemplateValue.TypeName(value)}");
                }
                foreach (var (key, item) in mapping)
                {
                    AddKeyword(key, item);
                }
            }
        }
        return (positional, keywords);
    }

    private static object? EvaluateUnary(UnaryNode node, Scope scope)
    {
        var argument = Evaluate(node.Argument, scope);
        if (node.Operator == "not")
        {
            return !TemplateValue.IsTruthy(argument);
        }
        var sign = node.Operator == "-" ? -1 : 1;
        return argument switch
        {
            double d => sign * d,
            long l => sign * l,
            bool b => (long)(sign * (b ? 1 : 0)),
            _ => throw new TemplateRuntimeException($"Unknown operator \"{node.Operator}\" for {TemplateValue.TypeName(argument)}"),
        };
    }

    private static bool EvaluateTest(TestNode node, Scope scope)
    {
        var operand = Evaluate(node.Operand, scope);
        var result = TemplateTests.Run(node.Test, operand, null, hasArgument: false);
        return node.Negate ? !result : result;
    }

    private static void ExecuteSet(SetNode node, Scope scope)
    {
        var rhs = node.Value is not null ? Evaluate(node.Value, scope) : RenderToString(node.Body, scope);
        switch (node.Assignee)
        {
            case Identifier id:
                scope.Set(id.Name, rhs);
                return;
            case TupleLiteral tuple:
                if (rhs is not JArray array)
                {
                    throw new TemplateRuntimeException($"Cannot unpack non-iterable type in set: {TemplateValue.TypeName(rhs)}");
                }
                if (array.Count != tuple.Items.Length)
                {
                    throw new TemplateRuntimeException($"Too {(tuple.Items.Length > array.Count ? "few" : "many")} items to unpack in set");
                }
                for (var i = 0; i < tuple.Items.Length; i++)
                {
                    var target = tuple.Items[i] as Identifier ?? throw new TemplateRuntimeException("Cannot unpack to non-identifier in set");
                    scope.Set(target.Name, array[i]);
                }
                return;
            case MemberNode member:
                var obj = Evaluate(member.Object, scope);
                if (obj is not JNamespace ns)
                {
                    throw new TemplateRuntimeException("cannot assign attribute on non-namespace object");
                }
                var property = member.Property as Identifier ?? throw new TemplateRuntimeException("Cannot assign to member with non-identifier property");
                ns[property.Name] = rhs;
                return;
            default:
                throw new TemplateRuntimeException("Invalid LHS inside assignment expression");
        }
    }

    private static void BindLoopVariable(Node loopVar, object? current, Scope scope)
    {
        if (loopVar is Identifier id)
        {
            scope.Set(id.Name, current);
            return;
        }
        var targets = ((TupleLiteral)loopVar).Items;
        var values = (JArray)current!;
        for (var j = 0; j < targets.Length; j++)
        {
            var target = targets[j] as Identifier ?? throw new TemplateRuntimeException("Cannot unpack non-identifier type");
            scope.Set(target.Name, values[j]);
        }
    }

    private static void RenderFor(ForNode node, Scope environment, StringBuilder sb)
    {
        var scope = new Scope(environment, environment.State);
        Node? test = null;
        object? iterable;
        if (node.Iterable is SelectNode select)
        {
            iterable = Evaluate(select.Lhs, scope);
            test = select.Test;
        }
        else
        {
            iterable = Evaluate(node.Iterable, scope);
        }
        List<object?> candidates = iterable switch
        {
            JArray array => array,
            JObject mapping => [.. mapping.Keys],
            _ => throw new TemplateRuntimeException($"Expected iterable or object type in for loop: got {TemplateValue.TypeName(iterable)}"),
        };

        List<object?> items;
        if (node.LoopVar is Identifier && test is null)
        {
            items = [.. candidates];
        }
        else
        {
            items = [];
            foreach (var current in candidates)
            {
                if (node.LoopVar is TupleLiteral tuple)
                {
                    if (current is not JArray { IsTuple: false } values)
                    {
                        throw new TemplateRuntimeException($"Cannot unpack non-iterable type: {TemplateValue.TypeName(current)}");
                    }
                    if (values.Count != tuple.Items.Length)
                    {
                        throw new TemplateRuntimeException($"Too {(tuple.Items.Length > values.Count ? "few" : "many")} items to unpack");
                    }
                }
                if (test is not null)
                {
                    var loopScope = new Scope(scope, scope.State);
                    BindLoopVariable(node.LoopVar, current, loopScope);
                    if (!TemplateValue.IsTruthy(Evaluate(test, loopScope)))
                    {
                        continue;
                    }
                }
                items.Add(current);
            }
        }

        var noIteration = true;
        for (var i = 0; i < items.Count; i++)
        {
            scope.State.CountIterations(1);
            scope.Set("loop", new JObject
            {
                ["index"] = (long)(i + 1),
                ["index0"] = (long)i,
                ["revindex"] = (long)(items.Count - i),
                ["revindex0"] = (long)(items.Count - i - 1),
                ["first"] = i == 0,
                ["last"] = i == items.Count - 1,
                ["length"] = (long)items.Count,
                ["previtem"] = i > 0 ? items[i - 1] : Undefined.Instance,
                ["nextitem"] = i < items.Count - 1 ? items[i + 1] : Undefined.Instance,
            });
            BindLoopVariable(node.LoopVar, items[i], scope);

            // An iteration that ends in break or continue contributes nothing, as in the reference renderer.
            var mark = sb.Length;
            try
            {
                Render(node.Body, scope, sb);
            }
            catch (ContinueSignal)
            {
                sb.Length = mark;
                continue;
            }
            catch (BreakSignal)
            {
                sb.Length = mark;
                break;
            }
            noIteration = false;
        }
        if (noIteration)
        {
            Render(node.DefaultBlock, scope, sb);
        }
    }
}
