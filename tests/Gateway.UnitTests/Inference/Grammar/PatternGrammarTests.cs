using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Inference.Grammar;

namespace Gateway.UnitTests.Inference.Grammar;

public sealed class PatternGrammarTests
{
    [Theory]
    [InlineData("^abc$", "\"a\" \"b\" \"c\"")]
    [InlineData("a|bc", "( \"a\" | \"b\" \"c\" )")]
    [InlineData("[A-Z]{3}-\\d{2,4}", "[A-Z]{3} \"-\" [0-9]{2,4}")]
    [InlineData("(?:ab)+", "( \"a\" \"b\" ){1,16}")]
    [InlineData("x*?", "( \"x\" ){0,16}")]
    [InlineData("a{2,}", "( \"a\" ){2,18}")]
    [InlineData("[^0-9]", "[^0-9\\x00-\\x1F\\x22\\x5C\\x7F-\\U0010FFFF]")]
    [InlineData("\\.", "\".\"")]
    public void Translate_SupportedPattern_GivesTheExpectedGrammar(string pattern, string expected)
    {
        Assert.Equal(expected, PatternGrammar.Translate(pattern, openRepeat: 16));
    }

    [Theory]
    [InlineData("x*", "( \"x\" )*")]
    [InlineData("x+", "( \"x\" )+")]
    [InlineData("x{2,}", "( \"x\" ){2,}")]
    public void Translate_NoRepeatBound_LeavesOpenRepeatsOpen(string pattern, string expected)
    {
        Assert.Equal(expected, PatternGrammar.Translate(pattern));
    }

    [Fact]
    public void Translate_ClassHoldingAQuoteOrBackslash_KeepsOnlyWhatJsonWritesUnescaped()
    {
        Assert.Equal("[\\x20-!#-\\x5B\\x5D-~]", PatternGrammar.Translate("[ -~]"));
        Assert.Equal("[a]", PatternGrammar.Translate("[\"\\\\a]"));
    }

    [Theory]
    [InlineData("(a)\\1", "back references")]
    [InlineData("a(?=b)", "look-around")]
    [InlineData("\\bword", "word boundaries")]
    [InlineData("[[:alpha:]]", "POSIX")]
    [InlineData("(ab", "unclosed")]
    [InlineData("ab)", "unmatched")]
    [InlineData("[ab", "unclosed")]
    [InlineData("*a", "nothing to repeat")]
    [InlineData("a**", "quantifier on a quantifier")]
    [InlineData("a{3,1}", "repetition")]
    [InlineData("a^b", "anywhere but at the ends")]
    [InlineData("[\"]", "only characters JSON escapes")]
    public void Translate_UnsupportedPattern_ThrowsNamingWhat(string pattern, string what)
    {
        var error = Assert.Throws<GrammarException>(() => PatternGrammar.Translate(pattern));

        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_PatternAndFormat_ReplaceTheDefaultStringRule()
    {
        using var doc = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"string","pattern":"^x+$","maxLength":2},"b":{"type":"string","format":"uuid"},"c":{"type":"string","format":"color"}}}""");

        var grammar = JsonSchemaGrammar.FromSchema(doc.RootElement, JsonGrammarLimits.Compact);

        Assert.Contains("( \"x\" ){1,16}", grammar, StringComparison.Ordinal);
        Assert.Contains("[0-9a-f]{8}", grammar, StringComparison.Ordinal);
        // An unknown format is an annotation: the plain string rule.
        Assert.Matches(new Regex("\"c\\\\\": \" string"), grammar);
    }

    [Fact]
    public void FromSchema_PatternNotAString_Throws()
    {
        using var doc = JsonDocument.Parse("""{"type":"string","pattern":5}""");

        Assert.Throws<GrammarException>(() => JsonSchemaGrammar.FromSchema(doc.RootElement));
    }
}
