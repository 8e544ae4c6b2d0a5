using System.Text.Json;
using Gateway.Inference.Grammar;

namespace Gateway.UnitTests.Inference.Grammar;

public sealed class JsonSchemaGrammarTests
{
    [Fact]
    public void FromSchema_ObjectWithProperties_EmitsEachKeyInOrderAsLiteral()
    {
        var grammar = FromSchema("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},"ok":{"type":"boolean"}}}""");

        var root = Rule(grammar, "root");
        var body = Rule(grammar, root.Trim());
        Assert.Contains("\"\\\"city\\\": \" string", body, StringComparison.Ordinal);
        Assert.True(body.IndexOf("city", StringComparison.Ordinal) < body.IndexOf("days", StringComparison.Ordinal));
        Assert.Contains("\"\\\"days\\\": \" integer", body, StringComparison.Ordinal);
        Assert.Contains("\"\\\"ok\\\": \" boolean", body, StringComparison.Ordinal);
        Assert.Contains("string ::=", grammar, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_Enum_AllowsOnlyTheQuotedValues()
    {
        var grammar = FromSchema("""{"type":"string","enum":["c","f"]}""");

        Assert.Equal("\"\\\"c\\\"\" | \"\\\"f\\\"\"", Rule(grammar, Rule(grammar, "root")));
    }

    [Fact]
    public void FromSchema_ArrayWithBounds_RepeatsWithinBounds()
    {
        var grammar = FromSchema("""{"type":"array","items":{"type":"number"},"minItems":2,"maxItems":4}""");

        Assert.Contains("{1,3}", Rule(grammar, Rule(grammar, "root")), StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_LocalReference_ResolvesDefinition()
    {
        var grammar = FromSchema("""{"$defs":{"point":{"type":"object","properties":{"x":{"type":"number"}}}},"type":"object","properties":{"p":{"$ref":"#/$defs/point"}}}""");

        Assert.Contains("\\\"x\\\": ", grammar, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"$ref":"https://example.com/schema"}""")]
    [InlineData("""{"$ref":"#/$defs/missing"}""")]
    [InlineData("""{"type":"tuple"}""")]
    [InlineData("""{"type":"array","minItems":3,"maxItems":1}""")]
    [InlineData("""{"type":"string","maxLength":"5"}""")]
    [InlineData("""{"type":"array","minItems":1.5}""")]
    [InlineData("""{"type":5}""")]
    [InlineData("""{"type":["string",5]}""")]
    [InlineData("""{"$ref":5}""")]
    public void FromSchema_UnsupportedSchema_ThrowsGrammarException(string schema)
    {
        Assert.Throws<GrammarException>(() => FromSchema(schema));
    }

    [Fact]
    public void FromSchema_SelfReference_ThrowsInsteadOfRecursingForever()
    {
        Assert.Throws<GrammarException>(() => FromSchema("""{"$defs":{"n":{"type":"object","properties":{"next":{"$ref":"#/$defs/n"}}}},"$ref":"#/$defs/n"}"""));
    }

    [Fact]
    public void AnyObject_Compact_RootIsABoundedObject()
    {
        var grammar = JsonSchemaGrammar.AnyObject(JsonGrammarLimits.Compact);

        Assert.Equal("object", Rule(grammar, "root"));
        Assert.StartsWith("\"{\"", Rule(grammar, "object"), StringComparison.Ordinal);
        Assert.DoesNotContain("*", Rule(grammar, "object"), StringComparison.Ordinal);
        Assert.Equal("[a-zA-Z0-9 _.,:;!?#]", Rule(grammar, "char"));
    }

    [Fact]
    public void AnyObject_Full_NestsAnyValueAndTakesAnyJsonStringCharacter()
    {
        var grammar = JsonSchemaGrammar.AnyObject(JsonGrammarLimits.Full);

        Assert.Equal("string \": \" value", Rule(grammar, "member"));
        Assert.Contains("value ( \", \" value )*", Rule(grammar, "array"), StringComparison.Ordinal);
        Assert.EndsWith("char* \"\\\"\"", Rule(grammar, "string"), StringComparison.Ordinal);
        // Escapes, but never half a surrogate pair (\uD800-\uDFFF).
        Assert.Contains("[dD] [0-7]", Rule(grammar, "char"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"string"}""", "string")]
    [InlineData("""{"type":"array","items":{"type":"integer"}}""", "\"[\" ( integer ( \", \" integer )* )? \"]\"")]
    [InlineData("""{"type":"string","minLength":3}""", "\"\\\"\" char{3,} \"\\\"\"")]
    public void FromSchema_Full_BoundsOnlyWhatTheSchemaBounds(string schema, string expected)
    {
        using var doc = JsonDocument.Parse(schema);

        var grammar = JsonSchemaGrammar.FromSchema(doc.RootElement, JsonGrammarLimits.Full);

        var root = Rule(grammar, "root");
        Assert.Equal(expected, root == "value" ? Rule(grammar, "value") : root);
    }

    [Fact]
    public void FromSchema_EveryReferencedRuleIsDefined()
    {
        var grammar = FromSchema("""{"type":"object","properties":{"a":{"type":["string","null"]},"b":{"anyOf":[{"type":"integer"},{"type":"array","items":{}}]},"c":{}}}""");

        AssertClosed(grammar);
    }

    internal static void AssertClosed(string grammar)
    {
        var rules = grammar.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(" ::= ", StringComparison.Ordinal)]).ToHashSet();
        foreach (var line in grammar.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var body = line[(line.IndexOf(" ::= ", StringComparison.Ordinal) + 5)..];
            var withoutLiterals = System.Text.RegularExpressions.Regex.Replace(body, "\"(\\\\.|[^\"\\\\])*\"|\\[(\\\\.|[^\\]\\\\])*\\]|\\{[0-9,]*\\}", " ");
            foreach (var name in System.Text.RegularExpressions.Regex.Matches(withoutLiterals, "[a-z0-9-]+").Select(m => m.Value))
            {
                Assert.True(rules.Contains(name), $"rule '{name}' is used but not defined in:\n{grammar}");
            }
        }
    }

    private static string FromSchema(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonSchemaGrammar.FromSchema(doc.RootElement);
    }

    internal static string Rule(string grammar, string name)
    {
        var line = grammar.Split('\n').Single(l => l.StartsWith(name + " ::= ", StringComparison.Ordinal));
        return line[(name.Length + 5)..];
    }
}
