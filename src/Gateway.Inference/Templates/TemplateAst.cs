namespace Gateway.Inference.Templates;

#pragma warning disable SA1649, SA1402 // The syntax tree's node kinds are small records kept together on purpose.

/// <summary>A node of a parsed template: statements render text, expressions evaluate to values.</summary>
internal abstract record Node;

internal sealed record TextNode(string Value) : Node;
internal sealed record CommentNode : Node;
internal sealed record IfNode(Node Test, Node[] Body, Node[] Alternate) : Node;
internal sealed record ForNode(Node LoopVar, Node Iterable, Node[] Body, Node[] DefaultBlock) : Node;
internal sealed record BreakNode : Node;
internal sealed record ContinueNode : Node;
internal sealed record SetNode(Node Assignee, Node? Value, Node[] Body) : Node;
internal sealed record MacroNode(string Name, Node[] Args, Node[] Body) : Node
{
    /// <summary>Which of <c>caller</c>, <c>kwargs</c>, <c>varargs</c> the body reads (computed once at parse time).</summary>
    public SpecialArguments Special { get; init; }
}
internal sealed record CallStatementNode(CallNode Call, Node[]? CallerArgs, Node[] Body) : Node
{
    public SpecialArguments Special { get; init; }
}
internal sealed record FilterStatementNode(Node Filter, Node[] Body) : Node;

internal sealed record StringLiteral(string Value) : Node;
internal sealed record IntegerLiteral(long Value) : Node;
internal sealed record FloatLiteral(double Value) : Node;
internal sealed record Identifier(string Name) : Node;
internal sealed record ArrayLiteral(Node[] Items) : Node;
internal sealed record TupleLiteral(Node[] Items) : Node;
internal sealed record ObjectLiteral((Node Key, Node Value)[] Entries) : Node;
internal sealed record MemberNode(Node Object, Node Property, bool Computed) : Node;
internal sealed record SliceNode(Node? Start, Node? Stop, Node? Step) : Node;
internal sealed record CallNode(Node Callee, Node[] Args) : Node;
internal sealed record BinaryNode(string Operator, Node Left, Node Right) : Node;
internal sealed record UnaryNode(string Operator, Node Argument) : Node;
internal sealed record FilterNode(Node Operand, Node Filter) : Node;
internal sealed record TestNode(Node Operand, bool Negate, string Test) : Node;
internal sealed record SelectNode(Node Lhs, Node Test) : Node;
internal sealed record TernaryNode(Node Condition, Node TrueExpr, Node FalseExpr) : Node;
internal sealed record KeywordArgument(string Key, Node Value) : Node;
internal sealed record SpreadNode(Node Argument) : Node;
internal sealed record KeywordSpreadNode(Node Argument) : Node;

[Flags]
internal enum SpecialArguments { None = 0, Caller = 1, Kwargs = 2, Varargs = 4 }
