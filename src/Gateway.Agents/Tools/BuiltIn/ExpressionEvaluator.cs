using System.Globalization;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>
/// A safe arithmetic evaluator (recursive descent; no reflection, no code execution): numbers,
/// <c>+ - * / % ^</c>, parentheses, <c>pi</c>, <c>e</c> and a fixed set of functions.
/// </summary>
internal sealed class ExpressionEvaluator
{
    private const int MaxLength = 1000;
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _position;
    private int _depth;

    private ExpressionEvaluator(string text) => _text = text;

    /// <summary>Evaluates <paramref name="expression"/>; throws <see cref="FormatException"/> saying where it is wrong.</summary>
    public static double Evaluate(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (expression.Length > MaxLength)
        {
            throw new FormatException($"The expression is longer than {MaxLength} characters.");
        }

        var evaluator = new ExpressionEvaluator(expression);
        var value = evaluator.ParseSum();
        evaluator.SkipSpaces();
        if (evaluator._position < expression.Length)
        {
            throw new FormatException($"Unexpected '{expression[evaluator._position]}' at position {evaluator._position + 1} in '{expression}'.");
        }

        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new FormatException($"'{expression}' has no finite value.");
        }

        return value;
    }

    private double ParseSum()
    {
        var value = ParseProduct();
        while (true)
        {
            if (Accept('+')) { value += ParseProduct(); }
            else if (Accept('-')) { value -= ParseProduct(); }
            else { return value; }
        }
    }

    private double ParseProduct()
    {
        var value = ParsePower();
        while (true)
        {
            if (Accept('*')) { value *= ParsePower(); }
            else if (Accept('/'))
            {
                var divisor = ParsePower();
                value = divisor == 0 ? throw new FormatException("Division by zero.") : value / divisor;
            }
            else if (Accept('%')) { value %= ParsePower(); }
            else { return value; }
        }
    }

    private double ParsePower()
    {
        var value = ParseUnary();
        return Accept('^') ? Math.Pow(value, ParsePower()) : value;
    }

    private double ParseUnary()
    {
        if (Accept('-')) { return -ParseUnary(); }
        if (Accept('+')) { return ParseUnary(); }
        return ParseAtom();
    }

    private double ParseAtom()
    {
        if (++_depth > MaxDepth)
        {
            throw new FormatException("The expression nests too deeply.");
        }

        try
        {
            SkipSpaces();
            if (Accept('('))
            {
                var inner = ParseSum();
                Expect(')');
                return inner;
            }

            if (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || _text[_position] == '.'))
            {
                return ParseNumber();
            }

            if (_position < _text.Length && char.IsAsciiLetter(_text[_position]))
            {
                return ParseName();
            }

            throw new FormatException(_position < _text.Length
                ? $"Unexpected '{_text[_position]}' at position {_position + 1}."
                : "The expression ends too early.");
        }
        finally
        {
            _depth--;
        }
    }

    private double ParseNumber()
    {
        var start = _position;
        while (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || _text[_position] is '.' or '_'))
        {
            _position++;
        }

        if (_position < _text.Length && _text[_position] is 'e' or 'E' && _position + 1 < _text.Length
            && (char.IsAsciiDigit(_text[_position + 1]) || _text[_position + 1] is '-' or '+'))
        {
            _position += 2;
            while (_position < _text.Length && char.IsAsciiDigit(_text[_position])) { _position++; }
        }

        // '_' groups digits ("1_000"); ',' cannot, it separates function arguments.
        var literal = _text[start.._position].Replace("_", "", StringComparison.Ordinal);
        return double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{literal}' is not a number.");
    }

    private double ParseName()
    {
        var start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_'))
        {
            _position++;
        }

        var name = _text[start.._position].ToLowerInvariant();
        switch (name)
        {
            case "pi": return Math.PI;
            case "e": return Math.E;
        }

        Expect('(');
        var arguments = new List<double> { ParseSum() };
        while (Accept(','))
        {
            arguments.Add(ParseSum());
        }

        Expect(')');
        return Apply(name, arguments);
    }

    private static double Apply(string name, List<double> a) => (name, a.Count) switch
    {
        ("sqrt", 1) => a[0] < 0 ? throw new FormatException("sqrt of a negative number.") : Math.Sqrt(a[0]),
        ("abs", 1) => Math.Abs(a[0]),
        ("ln", 1) or ("log", 1) => Math.Log(a[0]),
        ("log10", 1) => Math.Log10(a[0]),
        ("log2", 1) => Math.Log2(a[0]),
        ("exp", 1) => Math.Exp(a[0]),
        ("sin", 1) => Math.Sin(a[0]),
        ("cos", 1) => Math.Cos(a[0]),
        ("tan", 1) => Math.Tan(a[0]),
        ("floor", 1) => Math.Floor(a[0]),
        ("ceil", 1) => Math.Ceiling(a[0]),
        ("round", 1) => Math.Round(a[0], MidpointRounding.AwayFromZero),
        ("round", 2) => Math.Round(a[0], (int)Math.Clamp(a[1], 0, 15), MidpointRounding.AwayFromZero),
        ("pow", 2) => Math.Pow(a[0], a[1]),
        ("min", > 0) => a.Min(),
        ("max", > 0) => a.Max(),
        _ => throw new FormatException($"Unknown function '{name}' with {a.Count} argument(s)."),
    };

    private void SkipSpaces()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private bool Accept(char c)
    {
        SkipSpaces();
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        if (!Accept(c))
        {
            throw new FormatException(_position < _text.Length
                ? $"Expected '{c}' at position {_position + 1}, found '{_text[_position]}'."
                : $"Expected '{c}' but the expression ended.");
        }
    }
}
