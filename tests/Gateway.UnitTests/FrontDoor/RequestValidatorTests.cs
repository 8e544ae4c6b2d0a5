using System.Text;
using Gateway.Host.FrontDoor;

namespace Gateway.UnitTests.FrontDoor;

public sealed class RequestValidatorTests
{
    [Fact]
    public void Validate_ValidChat_FindsModelSpanAndStreamFlag()
    {
        var body = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":"x"}], "model" : "gpt-4o" ,"stream":true}""");

        var error = RequestValidator.Validate(body, OpenAIOperation.ChatCompletions, out var parsed);

        Assert.Null(error);
        Assert.Equal("gpt-4o", parsed.Model);
        Assert.True(parsed.Stream);
        Assert.Equal("\"gpt-4o\"", Encoding.UTF8.GetString(body, parsed.ModelStart, parsed.ModelLength));
    }

    [Theory]
    [InlineData("""{"role":"assistant","content":null,"tool_calls":[{"id":"1","type":"function","function":{"name":"f","arguments":"{}"}}]}""", true)]
    [InlineData("""{"content":null,"role":"assistant"}""", true)]
    [InlineData("""{"role":"user","content":null}""", false)]
    [InlineData("""{"content":null,"role":"system"}""", false)]
    public void Validate_NullContent_AcceptedOnlyFromTheAssistant(string message, bool accepted)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"model":"m","messages":[{"role":"user","content":"x"},{{message}}]}""");

        var error = RequestValidator.Validate(body, OpenAIOperation.ChatCompletions, out _);

        Assert.Equal(accepted, error is null);
        if (!accepted)
        {
            Assert.Equal("messages[1].content", error!.Param);
        }
    }

    [Fact]
    public void Validate_EscapedModelName_SpanCoversRawToken()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"a\u002Fb","input":"x"}""");

        var error = RequestValidator.Validate(body, OpenAIOperation.Embeddings, out var parsed);

        Assert.Null(error);
        Assert.Equal("a/b", parsed.Model);
        Assert.Equal("\"a\\u002Fb\"", Encoding.UTF8.GetString(body, parsed.ModelStart, parsed.ModelLength));
    }

    [Theory]
    [InlineData("""{"model":"m","prompt":["a","b"]}""", OpenAIOperation.Completions)]
    [InlineData("""{"model":"m","input":[1,2,3]}""", OpenAIOperation.Embeddings)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}],"stop":null,"seed":7,"logprobs":true}""", OpenAIOperation.ChatCompletions)]
    [InlineData("""{"model":"m","prompt":"a","logprobs":3}""", OpenAIOperation.Completions)]
    public void Validate_ValidBodies_NoError(string json, OpenAIOperation operation)
    {
        Assert.Null(RequestValidator.Validate(Encoding.UTF8.GetBytes(json), operation, out _));
    }

    [Theory]
    [InlineData("""{"model":"m","model":"n","messages":[{"role":"user"}]}""", "model")]
    [InlineData("""{"model":"m","prompt":{}}""", "prompt")]
    [InlineData("""{"model":"m","prompt":"a","logprobs":true}""", "logprobs")]
    [InlineData("""{"model":"m","prompt":"a","n":-1.5}""", "n")]
    public void Validate_WrongShapes_ReportParam(string json, string param)
    {
        var error = RequestValidator.Validate(Encoding.UTF8.GetBytes(json), OpenAIOperation.Completions, out _);

        Assert.NotNull(error);
        Assert.Equal(400, error.Status);
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void Validate_DeeplyNested_RejectedAsInvalidJsonNotCrash()
    {
        var json = "{\"model\":\"m\",\"prompt\":\"a\",\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        var error = RequestValidator.Validate(Encoding.UTF8.GetBytes(json), OpenAIOperation.Completions, out _);

        Assert.NotNull(error);
        Assert.Equal("invalid_json", error.Code);
    }
}

public sealed class RequestValidatorLimitsTests
{
    private static (Gateway.Errors.GatewayError? Error, ParsedRequest Parsed) Validate(string body)
    {
        var error = RequestValidator.Validate(Encoding.UTF8.GetBytes(body), OpenAIOperation.ChatCompletions, out var parsed);
        return (error, parsed);
    }

    [Theory]
    [InlineData("""{"model":"m","model":"n","messages":[{"role":"user","content":"x"}]}""", "model")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"stream":false}""", "stream")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1,"max_tokens":99999}""", "max_tokens")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true,"include_usage":false}}""", "stream_options.include_usage")]
    public void Validate_DuplicateKey_RefusedNamingIt(string body, string param)
    {
        var (error, _) = Validate(body);

        Assert.Equal(400, error!.Status);
        Assert.Equal(param, error.Param);
        Assert.Equal("duplicate_parameter", error.Code);
    }

    [Theory]
    [InlineData(3, 10)]
    [InlineData(3, 40)]
    [InlineData(30, 40)]
    public void Validate_DuplicateAmongManyKeys_Refused(int duplicateOf, int extraKeys)
    {
        // Past the names kept inline, the check goes on in a set; a duplicate is found on either side of that line.
        var extras = string.Concat(Enumerable.Range(0, extraKeys).Select(i => $",\"x_{i}\":{i}"));
        var body = $$"""{"model":"m","messages":[{"role":"user","content":"x"}]{{extras}},"x_{{duplicateOf}}":0}""";

        var (error, _) = Validate(body);

        Assert.Equal("duplicate_parameter", error!.Code);
        Assert.Equal($"x_{duplicateOf}", error.Param);
    }

    [Fact]
    public void Validate_ManyDistinctKeys_Accepted()
    {
        var extras = string.Concat(Enumerable.Range(0, 40).Select(i => $",\"x_{i}\":{i}"));

        var (error, _) = Validate($$"""{"model":"m","messages":[{"role":"user","content":"x"}]{{extras}}}""");

        Assert.Null(error);
    }

    [Fact]
    public void Validate_MaxTokensAndChoices_Read()
    {
        var (error, parsed) = Validate("""{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":7,"max_completion_tokens":9,"n":3,"stream":true,"stream_options":{"include_usage":true}}""");

        Assert.Null(error);
        Assert.Equal(9, parsed.MaxTokens);
        Assert.Equal(3, parsed.Choices);
        Assert.True(parsed.IncludeUsage);
    }

    [Theory]
    [InlineData("\"max_tokens\":-1", "max_tokens")]
    [InlineData("\"max_tokens\":100000001", "max_tokens")]
    [InlineData("\"n\":0", "n")]
    [InlineData("\"n\":129", "n")]
    public void Validate_CountOutOfRange_Refused(string field, string param)
    {
        var (error, _) = Validate("""{"model":"m","messages":[{"role":"user","content":"x"}],""" + field + "}");

        Assert.Equal(param, error!.Param);
    }

    [Fact]
    public void Validate_MoreThan128Tools_Refused()
    {
        var tool = """{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}""";
        var (error, _) = Validate("""{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[""" + string.Join(',', Enumerable.Repeat(tool, 129)) + "]}");
        var (fine, _) = Validate("""{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[""" + string.Join(',', Enumerable.Repeat(tool, 128)) + "]}");

        Assert.Equal("tools", error!.Param);
        Assert.Null(fine);
    }

    [Fact]
    public void Validate_NestedDeeperThan64_RefusedAsInvalidJson()
    {
        var (error, _) = Validate("""{"model":"m","messages":[{"role":"user","content":"x"}],"metadata":{"x":""" + new string('[', 63) + new string(']', 63) + "}}");

        Assert.Equal("invalid_json", error!.Code);
    }
}
