using System.Globalization;

namespace Gateway.Inference.Templates;

/// <summary>
/// Builds the syntax tree from tokens with @huggingface/jinja's grammar and precedence (filters bind tighter than
/// tests, tests tighter than arithmetic), so that a template parses here exactly where it parses there.
/// </summary>
internal sealed class TemplateParser
{
    /// <summary>Nesting deeper than this is refused: the parser and the interpreter recurse once per level.</summary>
    public const int MaxNesting = 200;

    private readonly List<Token> _tokens;
    private int _current;
    private int _depth;

    private TemplateParser(List<Token> tokens) => _tokens = tokens;

    public static Node[] Parse(string source)
    {
        var parser = new TemplateParser(TemplateLexer.Tokenize(source));
        var body = new List<Node>();
        while (parser._current < parser._tokens.Count)
        {
            body.Add(parser.ParseAny());
        }
        return [.. body];
    }

    private Token Peek(int offset = 0) => _current + offset < _tokens.Count ? _tokens[_current + offset] : throw new TemplateSyntaxException("Unexpected end of template");

    private Token Expect(TokenType type, string error)
    {
        var token = _current < _tokens.Count ? _tokens[_current++] : null;
        if (token is null || token.Type != type)
        {
            throw new TemplateSyntaxException($"Parser Error: {error}. {token?.Type.ToString() ?? "end of template"} !== {type}.");
        }
        return token;
    }

    private void ExpectIdentifier(string name)
    {
        if (!IsIdentifier(name))
        {
            throw new TemplateSyntaxException($"Expected {name}");
        }
        _current++;
    }

    private bool Is(TokenType type) => _current < _tokens.Count && _tokens[_current].Type == type;

    private bool IsIdentifier(string name, int offset = 0) =>
        _current + offset < _tokens.Count && _tokens[_current + offset].Type == TokenType.Identifier && _tokens[_current + offset].Value == name;

    private bool IsStatement(params string[] names)
    {
        if (_current >= _tokens.Count)
        {
            throw new TemplateSyntaxException($"Unexpected end of template: expected {{% {names[^1]} %}}");
        }
        return _tokens[_current].Type == TokenType.OpenStatement && _current + 1 < _tokens.Count
            && _tokens[_current + 1].Type == TokenType.Identifier && names.Contains(_tokens[_current + 1].Value);
    }

    private T Nested<T>(Func<T> parse)
    {
        if (++_depth > MaxNesting)
        {
            throw new TemplateSyntaxException($"The template nests deeper than {MaxNesting} levels.");
        }
        try
        {
            return parse();
        }
        finally
        {
            _depth--;
        }
    }

    private Node ParseAny() => Peek().Type switch
    {
        TokenType.Comment => Consume(new CommentNode()),
        TokenType.Text => new TextNode(Expect(TokenType.Text, "Expected text token").Value),
        TokenType.OpenStatement => Nested(ParseStatement),
        TokenType.OpenExpression => ParseOutput(),
        var type => throw new TemplateSyntaxException($"Unexpected token type: {type}"),
    };

    private Node Consume(Node node)
    {
        _current++;
        return node;
    }

    private Node[] ParseUntil(params string[] names)
    {
        var body = new List<Node>();
        while (!IsStatement(names))
        {
            body.Add(ParseAny());
        }
        return [.. body];
    }

    private void ExpectEnd(string name)
    {
        Expect(TokenType.OpenStatement, "Expected {% token");
        ExpectIdentifier(name);
        Expect(TokenType.CloseStatement, "Expected %} token");
    }

    private Node ParseOutput()
    {
        Expect(TokenType.OpenExpression, "Expected opening expression token");
        var result = ParseExpression();
        Expect(TokenType.CloseExpression, "Expected closing expression token");
        return result;
    }

    private Node ParseStatement()
    {
        Expect(TokenType.OpenStatement, "Expected opening statement token");
        if (Peek().Type != TokenType.Identifier)
        {
            throw new TemplateSyntaxException($"Unknown statement, got {Peek().Type}");
        }
        var name = _tokens[_current++].Value;
        switch (name)
        {
            case "set":
                return ParseSet();
            case "if":
                {
                    var result = ParseIf();
                    ExpectEnd("endif");
                    return result;
                }
            case "macro":
                {
                    var macroName = ParsePrimary() as Identifier ?? throw new TemplateSyntaxException("Expected identifier following macro statement");
                    var args = ParseArgs(parameters: true);
                    Expect(TokenType.CloseStatement, "Expected closing statement token");
                    var body = ParseUntil("endmacro");
                    ExpectEnd("endmacro");
                    return new MacroNode(macroName.Name, args, body) { Special = SpecialArgumentScan.Accessed(args, body) };
                }
            case "for":
                {
                    var result = ParseFor();
                    ExpectEnd("endfor");
                    return result;
                }
            case "call":
                {
                    Node[]? callerArgs = Is(TokenType.OpenParen) ? ParseArgs(parameters: true) : null;
                    var callee = ParsePrimary() as Identifier ?? throw new TemplateSyntaxException("Expected identifier following call statement");
                    var callArgs = ParseArgs(parameters: false);
                    Expect(TokenType.CloseStatement, "Expected closing statement token");
                    var body = ParseUntil("endcall");
                    ExpectEnd("endcall");
                    return new CallStatementNode(new CallNode(callee, callArgs), callerArgs, body) { Special = SpecialArgumentScan.Accessed(callerArgs ?? [], body) };
                }
            case "break":
                Expect(TokenType.CloseStatement, "Expected closing statement token");
                return new BreakNode();
            case "continue":
                Expect(TokenType.CloseStatement, "Expected closing statement token");
                return new ContinueNode();
            case "filter":
                {
                    var filter = ParsePrimary();
                    if (filter is Identifier && Is(TokenType.OpenParen))
                    {
                        filter = ParseCall(filter);
                    }
                    Expect(TokenType.CloseStatement, "Expected closing statement token");
                    var body = ParseUntil("endfilter");
                    ExpectEnd("endfilter");
                    return new FilterStatementNode(filter, body);
                }
            default:
                throw new TemplateSyntaxException($"Unknown statement type: {name}");
        }
    }

    private SetNode ParseSet()
    {
        var left = ParseExpressionSequence();
        Node? value = null;
        Node[] body = [];
        if (Is(TokenType.Equals))
        {
            _current++;
            value = ParseExpressionSequence();
        }
        else
        {
            Expect(TokenType.CloseStatement, "Expected %} token");
            body = ParseUntil("endset");
            Expect(TokenType.OpenStatement, "Expected {% token");
            ExpectIdentifier("endset");
        }
        Expect(TokenType.CloseStatement, "Expected closing statement token");
        return new SetNode(left, value, body);
    }

    private IfNode ParseIf()
    {
        var test = ParseExpression();
        Expect(TokenType.CloseStatement, "Expected closing statement token");
        var body = ParseUntil("elif", "else", "endif");
        Node[] alternate = [];
        if (IsStatement("elif"))
        {
            _current += 2;
            alternate = [Nested(ParseIf)];
        }
        else if (IsStatement("else"))
        {
            _current += 2;
            Expect(TokenType.CloseStatement, "Expected closing statement token");
            alternate = ParseUntil("endif");
        }
        return new IfNode(test, body, alternate);
    }

    private ForNode ParseFor()
    {
        var loopVar = ParseExpressionSequence(primary: true);
        if (loopVar is not (Identifier or TupleLiteral))
        {
            throw new TemplateSyntaxException($"Expected identifier/tuple for the loop variable, got {loopVar.GetType().Name} instead");
        }
        if (!IsIdentifier("in"))
        {
            throw new TemplateSyntaxException("Expected `in` keyword following loop variable");
        }
        _current++;
        var iterable = ParseExpression();
        Expect(TokenType.CloseStatement, "Expected closing statement token");
        var body = ParseUntil("endfor", "else");
        Node[] alternative = [];
        if (IsStatement("else"))
        {
            _current += 2;
            Expect(TokenType.CloseStatement, "Expected closing statement token");
            alternative = ParseUntil("endfor");
        }
        return new ForNode(loopVar, iterable, body, alternative);
    }

    private Node ParseExpressionSequence(bool primary = false)
    {
        Node Next() => primary ? ParsePrimary() : ParseExpression();
        var first = Next();
        if (!Is(TokenType.Comma))
        {
            return first;
        }
        var items = new List<Node> { first };
        while (Is(TokenType.Comma))
        {
            _current++;
            items.Add(Next());
        }
        return new TupleLiteral([.. items]);
    }

    private Node ParseExpression() => Nested(ParseIfExpression);

    private Node ParseIfExpression()
    {
        var a = ParseOr();
        if (!IsIdentifier("if"))
        {
            return a;
        }
        _current++;
        var test = ParseOr();
        if (IsIdentifier("else"))
        {
            _current++;
            return new TernaryNode(test, a, Nested(ParseIfExpression));
        }
        return new SelectNode(a, test);
    }

    private Node ParseOr()
    {
        var left = ParseAnd();
        while (IsIdentifier("or"))
        {
            _current++;
            left = new BinaryNode("or", left, ParseAnd());
        }
        return left;
    }

    private Node ParseAnd()
    {
        var left = ParseNot();
        while (IsIdentifier("and"))
        {
            _current++;
            left = new BinaryNode("and", left, ParseNot());
        }
        return left;
    }

    private Node ParseNot()
    {
        if (IsIdentifier("not"))
        {
            _current++;
            return new UnaryNode("not", Nested(ParseNot));
        }
        return ParseComparison();
    }

    private Node ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            string op;
            if (IsIdentifier("not") && IsIdentifier("in", 1))
            {
                op = "not in";
                _current += 2;
            }
            else if (IsIdentifier("in") || Is(TokenType.ComparisonBinaryOperator))
            {
                op = _tokens[_current++].Value;
            }
            else
            {
                return left;
            }
            left = new BinaryNode(op, left, ParseAdditive());
        }
    }

    private Node ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Is(TokenType.AdditiveBinaryOperator))
        {
            var op = _tokens[_current++].Value;
            left = new BinaryNode(op, left, ParseMultiplicative());
        }
        return left;
    }

    private Node ParseMultiplicative()
    {
        var left = ParsePower();
        while (Is(TokenType.MultiplicativeBinaryOperator))
        {
            var op = _tokens[_current++].Value;
            left = new BinaryNode(op, left, ParsePower());
        }
        return left;
    }

    private Node ParsePower()
    {
        var left = ParseTest();
        while (Is(TokenType.ExponentiationBinaryOperator))
        {
            _current++;
            left = new BinaryNode("**", left, ParseTest());
        }
        return left;
    }

    private Node ParseTest()
    {
        var operand = ParseFilter();
        while (IsIdentifier("is"))
        {
            _current++;
            var negate = IsIdentifier("not");
            if (negate)
            {
                _current++;
            }
            var test = ParsePrimary() as Identifier ?? throw new TemplateSyntaxException("Expected identifier for the test");
            operand = new TestNode(operand, negate, test.Name);
        }
        return operand;
    }

    private Node ParseFilter()
    {
        var operand = ParseUnarySign();
        while (Is(TokenType.Pipe))
        {
            _current++;
            Node filter = ParsePrimary() as Identifier ?? throw new TemplateSyntaxException("Expected identifier for the filter");
            if (Is(TokenType.OpenParen))
            {
                filter = ParseCall(filter);
            }
            operand = new FilterNode(operand, filter);
        }
        return operand;
    }

    private Node ParseUnarySign()
    {
        if (_current < _tokens.Count && _tokens[_current] is { Type: TokenType.UnaryOperator or TokenType.AdditiveBinaryOperator, Value: "-" or "+" } token)
        {
            _current++;
            return new UnaryNode(token.Value, Nested(ParseUnarySign));
        }
        var member = ParseMember(ParsePrimary());
        return Is(TokenType.OpenParen) ? ParseCall(member) : member;
    }

    private Node ParseCall(Node callee)
    {
        Node expression = new CallNode(callee, ParseArgs(parameters: false));
        expression = ParseMember(expression);
        return Is(TokenType.OpenParen) ? Nested(() => ParseCall(expression)) : expression;
    }

    private Node[] ParseArgs(bool parameters)
    {
        Expect(TokenType.OpenParen, "Expected opening parenthesis for arguments list");
        var args = new List<Node>();
        var names = new HashSet<string>();
        var sawKeyword = false;
        var sawSpread = false;
        while (!Is(TokenType.CloseParen))
        {
            var keywordSpread = Is(TokenType.ExponentiationBinaryOperator);
            var positionalSpread = Is(TokenType.MultiplicativeBinaryOperator) && Peek().Value == "*";
            if (parameters && (keywordSpread || positionalSpread))
            {
                throw new TemplateSyntaxException("Argument unpacking is not allowed in parameter declarations");
            }
            if (keywordSpread)
            {
                _current++;
                args.Add(new KeywordSpreadNode(ParseExpression()));
                if (Is(TokenType.Comma))
                {
                    _current++;
                }
                if (!Is(TokenType.CloseParen))
                {
                    throw new TemplateSyntaxException("Expected closing parenthesis: `**` must be applied to the final argument");
                }
                break;
            }
            Node argument;
            if (positionalSpread)
            {
                if (sawSpread)
                {
                    throw new TemplateSyntaxException("Only one `*` argument unpacking is allowed");
                }
                sawSpread = true;
                _current++;
                argument = new SpreadNode(ParseExpression());
            }
            else
            {
                argument = ParseExpression();
                if (Is(TokenType.Equals))
                {
                    _current++;
                    var key = argument as Identifier ?? throw new TemplateSyntaxException(parameters ? "Expected identifier for parameter declaration" : "Expected identifier for keyword argument");
                    argument = new KeywordArgument(key.Name, ParseExpression());
                }
                if (parameters)
                {
                    var name = argument switch
                    {
                        Identifier id => id.Name,
                        KeywordArgument kw => kw.Key,
                        _ => throw new TemplateSyntaxException("Expected identifier for parameter declaration"),
                    };
                    if (!names.Add(name))
                    {
                        throw new TemplateSyntaxException($"Duplicate parameter name: {name}");
                    }
                }
                if (argument is KeywordArgument)
                {
                    sawKeyword = true;
                }
                else if (sawKeyword)
                {
                    throw new TemplateSyntaxException(parameters ? "Non-default argument follows default argument" : "Positional arguments must come before keyword arguments");
                }
                else if (sawSpread)
                {
                    throw new TemplateSyntaxException("Positional arguments must not follow `*` argument unpacking");
                }
            }
            args.Add(argument);
            if (Is(TokenType.Comma))
            {
                _current++;
            }
        }
        Expect(TokenType.CloseParen, "Expected closing parenthesis for arguments list");
        return [.. args];
    }

    private Node ParseSubscript()
    {
        var slices = new List<Node?>();
        var isSlice = false;
        while (!Is(TokenType.CloseSquareBracket))
        {
            if (Is(TokenType.Colon))
            {
                slices.Add(null);
                _current++;
                isSlice = true;
            }
            else
            {
                slices.Add(ParseExpression());
                if (Is(TokenType.Colon))
                {
                    _current++;
                    isSlice = true;
                }
            }
        }
        if (slices.Count == 0)
        {
            throw new TemplateSyntaxException("Expected at least one argument for member/slice expression");
        }
        if (!isSlice)
        {
            return slices[0]!;
        }
        if (slices.Count > 3)
        {
            throw new TemplateSyntaxException("Expected 0-3 arguments for slice expression");
        }
        return new SliceNode(slices[0], slices.Count > 1 ? slices[1] : null, slices.Count > 2 ? slices[2] : null);
    }

    private Node ParseMember(Node obj)
    {
        while (Is(TokenType.Dot) || Is(TokenType.OpenSquareBracket))
        {
            var computed = _tokens[_current++].Type == TokenType.OpenSquareBracket;
            Node property;
            if (computed)
            {
                property = ParseSubscript();
                Expect(TokenType.CloseSquareBracket, "Expected closing square bracket");
            }
            else
            {
                property = ParsePrimary();
                if (property is not (Identifier or IntegerLiteral))
                {
                    throw new TemplateSyntaxException("Expected identifier or integer following dot operator");
                }
            }
            obj = new MemberNode(obj, property, computed);
        }
        return obj;
    }

    private Node ParsePrimary()
    {
        var token = _current < _tokens.Count ? _tokens[_current++] : throw new TemplateSyntaxException("Unexpected end of template");
        switch (token.Type)
        {
            case TokenType.NumericLiteral:
                return token.Value.Contains('.')
                    ? new FloatLiteral(double.Parse(token.Value, CultureInfo.InvariantCulture))
                    : new IntegerLiteral(long.TryParse(token.Value, CultureInfo.InvariantCulture, out var n) ? n : throw new TemplateSyntaxException($"Number out of range: {token.Value}"));
            case TokenType.StringLiteral:
                {
                    var value = token.Value;
                    while (Is(TokenType.StringLiteral))
                    {
                        value += _tokens[_current++].Value;
                    }
                    return new StringLiteral(value);
                }
            case TokenType.Identifier:
                return new Identifier(token.Value);
            case TokenType.OpenParen:
                {
                    var expression = Nested(() => ParseExpressionSequence());
                    Expect(TokenType.CloseParen, "Expected closing parenthesis");
                    return expression;
                }
            case TokenType.OpenSquareBracket:
                {
                    var values = new List<Node>();
                    while (!Is(TokenType.CloseSquareBracket))
                    {
                        values.Add(ParseExpression());
                        if (Is(TokenType.Comma))
                        {
                            _current++;
                        }
                    }
                    _current++;
                    return new ArrayLiteral([.. values]);
                }
            case TokenType.OpenCurlyBracket:
                {
                    var entries = new List<(Node, Node)>();
                    while (!Is(TokenType.CloseCurlyBracket))
                    {
                        var key = ParseExpression();
                        Expect(TokenType.Colon, "Expected colon between key and value in object literal");
                        entries.Add((key, ParseExpression()));
                        if (Is(TokenType.Comma))
                        {
                            _current++;
                        }
                    }
                    _current++;
                    return new ObjectLiteral([.. entries]);
                }
            default:
                throw new TemplateSyntaxException($"Unexpected token: {token.Type}");
        }
    }
}
