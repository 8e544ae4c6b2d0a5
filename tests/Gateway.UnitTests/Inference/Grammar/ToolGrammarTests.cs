using System.Text.Json;
using Gateway.Inference.Grammar;
using Gateway.Inference.Protocol.ToolFormats;

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

    [Theory]
    [InlineData(ToolCallFamily.Hermes, "<tool_call>\\n{\\\"name\\\": \\\"get_weather\\\", \\\"arguments\\\": ")]
    [InlineData(ToolCallFamily.Llama3, "\\\"name\\\": \\\"get_weather\\\", \\\"parameters\\\": ")]
    [InlineData(ToolCallFamily.Mistral, "[TOOL_CALLS][{\\\"name\\\": \\\"get_weather\\\", \\\"arguments\\\": ")]
    [InlineData(ToolCallFamily.MistralArgs, "[TOOL_CALLS]get_weather[ARGS]")]
    [InlineData(ToolCallFamily.FireFunction, "functools[{\\\"name\\\": \\\"get_weather\\\", \\\"arguments\\\": ")]
    [InlineData(ToolCallFamily.FunctionaryV31, "<function=get_weather>")]
    [InlineData(ToolCallFamily.Generic, "<tool_call>{\\\"name\\\": \\\"get_weather\\\", \\\"arguments\\\": ")]
    public void Build_Family_WritesTheCallInThatFamilysFormat(ToolCallFamily family, string head)
    {
        var grammar = ToolGrammar.Build([Weather, Time], family);

        Assert.Contains(head, grammar, StringComparison.Ordinal);
        Assert.DoesNotContain("text", JsonSchemaGrammarTests.Rule(grammar, "root"), StringComparison.Ordinal);
        JsonSchemaGrammarTests.AssertClosed(grammar);
    }

    [Fact]
    public void AfterLead_TextBeforeTheOpener_IsARuleBeforeTheRoot()
    {
        var (grammar, root) = ToolGrammar.AfterLead(ToolGrammar.Build([Weather], ToolCallFamily.Hermes), "Sure. ");

        Assert.Equal("lazy-root", root);
        Assert.Equal("\"Sure. \" root", JsonSchemaGrammarTests.Rule(grammar, "lazy-root"));
        JsonSchemaGrammarTests.AssertClosed(grammar);
    }

    [Fact]
    public void AfterThinking_Rule_StartsWithTheClosingTag()
    {
        var (grammar, root) = ToolGrammar.AfterThinking(ToolGrammar.Build([Weather], ToolCallFamily.Hermes));

        Assert.StartsWith("\"</think>\"", JsonSchemaGrammarTests.Rule(grammar, root), StringComparison.Ordinal);
        JsonSchemaGrammarTests.AssertClosed(grammar);
    }

    private static ToolDefinition Tool(string name, string? parameters) =>
        new(name, null, parameters is null ? null : JsonDocument.Parse(parameters).RootElement.Clone());
}
