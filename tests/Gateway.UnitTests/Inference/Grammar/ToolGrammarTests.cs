using System.Text.Json;
using Gateway.Inference.Grammar;

namespace Gateway.UnitTests.Inference.Grammar;

public sealed class ToolGrammarTests
{
    private static readonly ToolDefinition Weather = Tool("get_weather", """{"type":"object","properties":{"city":{"type":"string"}}}""");
    private static readonly ToolDefinition Time = Tool("get_time", null);

    [Fact]
    public void Build_Required_RootIsOnlyACallToOneOfTheTools()
    {
        var grammar = ToolGrammar.Build([Weather, Time], allowText: false);

        Assert.Equal("tool-call", JsonSchemaGrammarTests.Rule(grammar, "root"));
        var calls = JsonSchemaGrammarTests.Rule(grammar, "tool-call");
        Assert.Contains("call-get-weather", calls, StringComparison.Ordinal);
        Assert.Contains("call-get-time", calls, StringComparison.Ordinal);
        Assert.Contains("<tool_call>{\\\"name\\\": \\\"get_weather\\\", \\\"arguments\\\": ", grammar, StringComparison.Ordinal);
        JsonSchemaGrammarTests.AssertClosed(grammar);
    }

    [Fact]
    public void Build_Auto_RootAlsoAllowsTextThatCannotStartACall()
    {
        var grammar = ToolGrammar.Build([Weather], allowText: true);

        Assert.Equal("tool-call | text", JsonSchemaGrammarTests.Rule(grammar, "root"));
        Assert.StartsWith("[^<", JsonSchemaGrammarTests.Rule(grammar, "text"), StringComparison.Ordinal);
        JsonSchemaGrammarTests.AssertClosed(grammar);
    }

    [Fact]
    public void Build_ToolWithoutParameters_ArgumentsAreAnEmptyObject()
    {
        var grammar = ToolGrammar.Build([Time], allowText: false);

        Assert.Contains("args-get-time ::= \"{}\"", grammar, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoTools_Throws()
    {
        Assert.Throws<GrammarException>(() => ToolGrammar.Build([], allowText: false));
    }

    private static ToolDefinition Tool(string name, string? parameters) =>
        new(name, null, parameters is null ? null : JsonDocument.Parse(parameters).RootElement.Clone());
}
