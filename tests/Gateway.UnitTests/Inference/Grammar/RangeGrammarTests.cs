using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Inference.Grammar;

namespace Gateway.UnitTests.Inference.Grammar;

public sealed class RangeGrammarTests
{
    [Fact]
    public void Integer_Range_SplitsByDigitsWithoutLeadingZeros()
    {
        Assert.Equal("( \"1\" [3-9] | [2-9] [0-9]{1} | \"1\" [0-9]{2} | \"2\" [0-3] [0-9]{1} | \"24\" [0-7] )", RangeGrammar.Integer(13, 247));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 9)]
    [InlineData(13, 247)]
    [InlineData(-5, -2)]
    [InlineData(-37, 120)]
    [InlineData(-1000, -999)]
    [InlineData(1, 1000)]
    [InlineData(99, 101)]
    [InlineData(-1, 0)]
    public void Integer_AdmitsExactlyTheRange(long low, long high)
    {
        var regex = AsRegex(RangeGrammar.Integer(low, high));

        for (var n = -1200L; n <= 1200; n++)
        {
            Assert.True(regex.IsMatch(n.ToString(CultureInfo.InvariantCulture)) == (n >= low && n <= high), $"{n} in [{low}, {high}]");
        }
        Assert.DoesNotMatch(regex, "007");
        Assert.DoesNotMatch(regex, "-0");
    }

    [Fact]
    public void Integer_RandomRanges_AdmitExactlyTheRange()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 200; trial++)
        {
            var a = random.Next(-3000, 3000);
            var b = random.Next(-3000, 3000);
            var (low, high) = (Math.Min(a, b), Math.Max(a, b));
            var regex = AsRegex(RangeGrammar.Integer(low, high));
            for (var n = low - 50; n <= high + 50; n += 1 + ((high - low) / 400))
            {
                Assert.True(regex.IsMatch(n.ToString(CultureInfo.InvariantCulture)) == (n >= low && n <= high), $"{n} in [{low}, {high}]");
            }
        }
    }

    [Theory]
    [InlineData(0.0, 1.0, "0.5", true)]
    [InlineData(0.0, 1.0, "1", true)]
    [InlineData(0.0, 1.0, "1.5", false)]
    [InlineData(-2.5, 3.0, "-2", true)]
    [InlineData(-2.5, 3.0, "-2.7", false)]
    [InlineData(-2.5, 3.0, "-3", false)]
    [InlineData(0.5, 2.0, "0", false)]
    [InlineData(0.5, 2.0, "1.25", true)]
    public void Number_StaysWithinTheBounds(double low, double high, string value, bool admitted)
    {
        Assert.Equal(admitted, AsRegex(RangeGrammar.Number(low, high)).IsMatch(value));
    }

    [Theory]
    [InlineData("""{"type":"integer","minimum":1,"maximum":5}""", "1", "5", "0", "6")]
    [InlineData("""{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10}""", "1", "9", "0", "10")]
    [InlineData("""{"type":"integer","minimum":-3}""", "-3", "999999", "-4", "-10")]
    [InlineData("""{"type":"integer","maximum":2,"exclusiveMaximum":true,"minimum":0}""", "0", "1", "2", "-1")]
    public void FromSchema_IntegerBounds_AdmitInsideAndRefuseOutside(string schema, string in1, string in2, string out1, string out2)
    {
        using var doc = JsonDocument.Parse(schema);
        var grammar = JsonSchemaGrammar.FromSchema(doc.RootElement);
        var rule = grammar.Split('\n').Single(l => l.StartsWith("value ::= ", StringComparison.Ordinal))["value ::= ".Length..];
        var regex = AsRegex(rule);

        Assert.Matches(regex, in1);
        Assert.Matches(regex, in2);
        Assert.DoesNotMatch(regex, out1);
        Assert.DoesNotMatch(regex, out2);
    }

    [Theory]
    [InlineData("""{"type":"integer","minimum":5,"maximum":1}""")]
    [InlineData("""{"type":"integer","minimum":"1"}""")]
    [InlineData("""{"type":"number","minimum":0.2,"maximum":0.8}""")]
    public void FromSchema_ImpossibleOrMalformedBounds_Throw(string schema)
    {
        using var doc = JsonDocument.Parse(schema);

        Assert.Throws<GrammarException>(() => JsonSchemaGrammar.FromSchema(doc.RootElement));
    }

    /// <summary>The GBNF subset the range grammar writes (literals, classes, counts, groups) as a .NET regex.</summary>
    private static Regex AsRegex(string gbnf)
    {
        var pattern = Regex.Replace(gbnf, "\"([^\"]*)\"", m => Regex.Escape(m.Groups[1].Value)).Replace(" ", "", StringComparison.Ordinal);
        return new Regex("^(?:" + pattern + ")$");
    }
}
