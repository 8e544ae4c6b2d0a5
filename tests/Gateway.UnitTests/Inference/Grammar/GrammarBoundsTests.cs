using System.Text;
using System.Text.Json;
using Gateway.Inference.Grammar;

namespace Gateway.UnitTests.Inference.Grammar;

public sealed class GrammarBoundsTests
{
    private static string PatternSchema(string pattern) =>
        JsonSerializer.Serialize(new { type = "object", properties = new { a = new { type = "string", pattern } } });

    private static string Build(string schema, JsonGrammarLimits? limits = null)
    {
        using var document = JsonDocument.Parse(schema);
        return JsonSchemaGrammar.FromSchema(document.RootElement, limits ?? JsonGrammarLimits.Full);
    }

    [Theory]
    // (a{0,1000}){0,10}: the group holds itself and 1000 generated rules, repeated up to 10 times = 10010.
    [InlineData("(a{0,1000}){0,10}")]
    // ((ab){0,40}){0,40}: 1 + 1 + 40 rules, 40 times = 1680, under llama.cpp's 2000 but over 1000.
    [InlineData("((ab){0,40}){0,40}")]
    // (a?){1000}: the group and its optional rule, 1000 times = 2000.
    [InlineData("(a?){1000}")]
    public void FromSchema_NestedRepetitionPattern_ThrowsNamingTheExpansion(string pattern)
    {
        var error = Assert.Throws<GrammarException>(() => Build(PatternSchema(pattern)));

        Assert.Contains("nested repetitions", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("^[A-Z]{3}[0-9]{4}$")]
    [InlineData("a{0,1000}")]
    // (ab){0,40} inside a group repeated 20 times: (1 + 1 + 40) × 20 = 840.
    [InlineData("((ab){0,40}){0,20}")]
    [InlineData("^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$")]
    public void FromSchema_OrdinaryOrBoundedPattern_Builds(string pattern)
    {
        Assert.Contains("::=", Build(PatternSchema(pattern)), StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_PatternLongerThanTheLimit_ThrowsBeforeParsingIt()
    {
        var pattern = new string('a', PatternGrammar.MaxPatternLength + 1);

        var error = Assert.Throws<GrammarException>(() => Build(PatternSchema(pattern)));

        Assert.Contains($"at most {PatternGrammar.MaxPatternLength}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_HugeAlternation_Throws()
    {
        var values = Enumerable.Range(0, GrammarBounds.MaxAlternatives + 1).Select(i => $"v{i}").ToArray();

        var error = Assert.Throws<GrammarException>(() => Build(JsonSerializer.Serialize(new { @enum = values })));

        Assert.Contains("alternatives", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_PatternAlternationWithinTheLimit_Builds()
    {
        var pattern = string.Join("|", Enumerable.Range(0, 200).Select(i => $"w{i}"));

        Assert.Contains("\"w\" \"1\" \"9\" \"9\"", Build(PatternSchema(pattern)), StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_SchemasNestedDeeperThanTheLimit_Throws()
    {
        var schema = "{\"type\":\"string\"}";
        for (var i = 0; i < 10; i++)
        {
            schema = $"{{\"type\":\"object\",\"properties\":{{\"n\":{schema}}}}}";
        }

        var error = Assert.Throws<GrammarException>(() => Build(schema));

        Assert.Contains("nests deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_ReferencesThatBranchAtEveryLevel_ThrowsOnTheRuleCountInsteadOfVisitingThemAll()
    {
        // Three levels of 40 properties that each refer to the next level: 40^3 = 64000 bounded strings, each a rule.
        var definitions = new Dictionary<string, object>();
        for (var level = 0; level < 3; level++)
        {
            var next = level + 1;
            var properties = Enumerable.Range(0, 40).ToDictionary(i => $"p{i}", _ => (object)new Dictionary<string, string> { ["$ref"] = $"#/$defs/d{next}" });
            definitions[$"d{level}"] = new { type = "object", properties };
        }
        definitions["d3"] = new { type = "string", maxLength = 5 };
        var schema = JsonSerializer.Serialize(new Dictionary<string, object> { ["$defs"] = definitions, ["$ref"] = "#/$defs/d0" });

        var error = Assert.Throws<GrammarException>(() => Build(schema));

        Assert.Contains($"more than {GrammarBounds.MaxRules}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_ManyPropertiesWithBoundedStrings_ThrowsOnTheExpansion()
    {
        // 40 strings of up to 1000 characters: 40 × 1000 generated rules, over 32768.
        var properties = Enumerable.Range(0, 40).ToDictionary(i => $"p{i}", _ => new { type = "string", maxLength = 1000 });

        var error = Assert.Throws<GrammarException>(() => Build(JsonSerializer.Serialize(new { type = "object", properties })));

        Assert.Contains("expands to more than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_ManyPlainProperties_Builds()
    {
        var properties = Enumerable.Range(0, 500).ToDictionary(i => $"p{i}", i => (object)(i % 2 == 0 ? new { type = "string" } : new { type = "integer" }));

        Assert.Contains("p499", Build(JsonSerializer.Serialize(new { type = "object", properties })), StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_MaxLengthAboveTheRepetitionBound_LeavesItOpenUnderFullAndBoundedUnderCompact()
    {
        const string Schema = """{"type":"string","maxLength":100000}""";

        Assert.Contains("char*", Build(Schema), StringComparison.Ordinal);
        Assert.Contains("char{0,16}", Build(Schema, JsonGrammarLimits.Compact), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ToolWhoseParametersNestRepetitions_Throws()
    {
        using var parameters = JsonDocument.Parse(PatternSchema("(a{0,1000}){0,10}"));

        Assert.Throws<GrammarException>(() => ToolGrammar.Build([new ToolDefinition("f", null, parameters.RootElement)], allowText: false));
    }

    [Fact]
    public void Check_TextLongerThanTheLimit_Throws()
    {
        var grammar = "root ::= \"" + new string('a', GrammarBounds.MaxLength) + "\"\n";

        var error = Assert.Throws<GrammarException>(() => GrammarBounds.Check(grammar));

        Assert.Contains("characters long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_GroupsNestedDeeperThanTheLimit_Throws()
    {
        var grammar = new StringBuilder("root ::= ");
        grammar.Append('(', GrammarBounds.MaxNesting + 1).Append("\"a\"").Append(')', GrammarBounds.MaxNesting + 1).Append('\n');

        var error = Assert.Throws<GrammarException>(() => GrammarBounds.Check(grammar.ToString()));

        Assert.Contains("nests groups", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_LongLiteralRepeatedManyTimes_ThrowsOnTheElements()
    {
        // 1000 copies of a 300-character literal: 300000 elements, over 262144.
        var grammar = "root ::= \"" + new string('a', 300) + "\"{1000}\n";

        var error = Assert.Throws<GrammarException>(() => GrammarBounds.Check(grammar));

        Assert.Contains("elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_EveryGrammarTheBuildersMakeForAnyObject_IsWithinTheBounds()
    {
        GrammarBounds.Check(JsonSchemaGrammar.AnyObject(JsonGrammarLimits.Full));
        GrammarBounds.Check(JsonSchemaGrammar.AnyObject(JsonGrammarLimits.Compact));
    }
}
