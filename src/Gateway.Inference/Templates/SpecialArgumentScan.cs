namespace Gateway.Inference.Templates;

/// <summary>
/// Finds which of a macro's implicit arguments (<c>caller</c>, <c>kwargs</c>, <c>varargs</c>) its body reads, as
/// Jinja does: a macro that never reads <c>kwargs</c> refuses unknown keyword arguments.
/// </summary>
internal static class SpecialArgumentScan
{
    public static SpecialArguments Accessed(Node[] parameters, Node[] body)
    {
        var declared = SpecialArguments.None;
        foreach (var parameter in parameters)
        {
            declared |= Flag(parameter switch { Identifier id => id.Name, KeywordArgument kw => kw.Key, _ => "" });
        }
        var accessed = SpecialArguments.None;
        foreach (var node in body)
        {
            Visit(node, ref declared, ref accessed);
        }
        return accessed;
    }

    private static SpecialArguments Flag(string name) => name switch
    {
        "caller" => SpecialArguments.Caller,
        "kwargs" => SpecialArguments.Kwargs,
        "varargs" => SpecialArguments.Varargs,
        _ => SpecialArguments.None,
    };

    private static void Declare(Node target, ref SpecialArguments declared)
    {
        if (target is Identifier id)
        {
            declared |= Flag(id.Name);
        }
        else if (target is TupleLiteral tuple)
        {
            foreach (var item in tuple.Items)
            {
                Declare(item, ref declared);
            }
        }
    }

    private static void Visit(Node? node, ref SpecialArguments declared, ref SpecialArguments accessed)
    {
        switch (node)
        {
            case null:
                return;
            case Identifier id:
                accessed |= Flag(id.Name) & ~declared;
                return;
            case ForNode f:
                Declare(f.LoopVar, ref declared);
                Visit(f.Iterable, ref declared, ref accessed);
                VisitAll(f.Body, ref declared, ref accessed);
                VisitAll(f.DefaultBlock, ref declared, ref accessed);
                return;
            case SetNode s:
                Declare(s.Assignee, ref declared);
                Visit(s.Value, ref declared, ref accessed);
                VisitAll(s.Body, ref declared, ref accessed);
                return;
            case MacroNode m:
                foreach (var arg in m.Args)
                {
                    Declare(arg is KeywordArgument kw ? new Identifier(kw.Key) : arg, ref declared);
                    if (arg is KeywordArgument k)
                    {
                        Visit(k.Value, ref declared, ref accessed);
                    }
                }
                VisitAll(m.Body, ref declared, ref accessed);
                return;
            case CallStatementNode c:
                Visit(c.Call, ref declared, ref accessed);
                VisitAll(c.CallerArgs ?? [], ref declared, ref accessed);
                VisitAll(c.Body, ref declared, ref accessed);
                return;
            case FilterStatementNode fs:
                VisitAll(fs.Body, ref declared, ref accessed);
                if (fs.Filter is CallNode fc)
                {
                    VisitAll(fc.Args, ref declared, ref accessed);
                }
                return;
            case MemberNode mem:
                Visit(mem.Object, ref declared, ref accessed);
                if (mem.Computed)
                {
                    Visit(mem.Property, ref declared, ref accessed);
                }
                return;
            case FilterNode fn:
                Visit(fn.Operand, ref declared, ref accessed);
                if (fn.Filter is CallNode call)
                {
                    VisitAll(call.Args, ref declared, ref accessed);
                }
                return;
            case TestNode t:
                Visit(t.Operand, ref declared, ref accessed);
                return;
            case KeywordArgument kwa:
                Visit(kwa.Value, ref declared, ref accessed);
                return;
            case IfNode i:
                Visit(i.Test, ref declared, ref accessed);
                VisitAll(i.Body, ref declared, ref accessed);
                VisitAll(i.Alternate, ref declared, ref accessed);
                return;
            case ArrayLiteral a:
                VisitAll(a.Items, ref declared, ref accessed);
                return;
            case TupleLiteral tl:
                VisitAll(tl.Items, ref declared, ref accessed);
                return;
            case ObjectLiteral o:
                foreach (var (key, value) in o.Entries)
                {
                    Visit(key, ref declared, ref accessed);
                    Visit(value, ref declared, ref accessed);
                }
                return;
            case SliceNode sl:
                Visit(sl.Start, ref declared, ref accessed);
                Visit(sl.Stop, ref declared, ref accessed);
                Visit(sl.Step, ref declared, ref accessed);
                return;
            case CallNode cn:
                Visit(cn.Callee, ref declared, ref accessed);
                VisitAll(cn.Args, ref declared, ref accessed);
                return;
            case BinaryNode b:
                Visit(b.Left, ref declared, ref accessed);
                Visit(b.Right, ref declared, ref accessed);
                return;
            case UnaryNode u:
                Visit(u.Argument, ref declared, ref accessed);
                return;
            case SelectNode sel:
                Visit(sel.Test, ref declared, ref accessed);
                Visit(sel.Lhs, ref declared, ref accessed);
                return;
            case TernaryNode tn:
                Visit(tn.Condition, ref declared, ref accessed);
                Visit(tn.TrueExpr, ref declared, ref accessed);
                Visit(tn.FalseExpr, ref declared, ref accessed);
                return;
            case SpreadNode sp:
                Visit(sp.Argument, ref declared, ref accessed);
                return;
            case KeywordSpreadNode ks:
                Visit(ks.Argument, ref declared, ref accessed);
                return;
            default:
                return;
        }
    }

    private static void VisitAll(Node[] nodes, ref SpecialArguments declared, ref SpecialArguments accessed)
    {
        foreach (var node in nodes)
        {
            Visit(node, ref declared, ref accessed);
        }
    }
}
