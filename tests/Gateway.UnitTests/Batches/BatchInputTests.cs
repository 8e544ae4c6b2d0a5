using System.Text;
using Gateway.Host.Batches;

namespace Gateway.UnitTests.Batches;

public sealed class BatchInputTests
{
    private const string Endpoint = "/v1/chat/completions";

    private static List<BatchInputLine> Parse(params string[] lines) => BatchInput.Parse(Encoding.UTF8.GetBytes(string.Join("\n", lines)), Endpoint);

    private static string Line(string id, string url = Endpoint, string method = "POST", string body = """{"model":"m","messages":[]}""") =>
        $$"""{"custom_id":"{{id}}","method":"{{method}}","url":"{{url}}","body":{{body}}}""";

    [Fact]
    public void Parse_ValidLines_KeepTheirNumbersAndBodies()
    {
        var lines = Parse(Line("a"), "", Line("b"));

        Assert.Equal([1, 3], lines.Select(l => l.Line));
        Assert.All(lines, l => Assert.Null(l.Error));
        Assert.Equal("""{"model":"m","messages":[]}""", lines[0].Body);
    }

    [Theory]
    [InlineData("not json", "invalid_json_line")]
    [InlineData("[1,2]", "invalid_json_line")]
    [InlineData("""{"method":"POST","url":"/v1/chat/completions","body":{}}""", "invalid_request")]
    public void Parse_NotARequestObject_IsThatLinesError(string text, string code)
    {
        var line = Assert.Single(Parse(text));

        Assert.Equal(code, line.Error?.Code);
        Assert.Null(line.Body);
    }

    [Fact]
    public void Parse_WrongUrlMethodBodyOrStream_ErrorKeepsTheCustomId()
    {
        var lines = Parse(Line("u", url: "/v1/embeddings"), Line("m", method: "GET"), Line("b", body: "[]"), Line("s", body: """{"stream":true}"""));

        Assert.Equal(["invalid_url", "invalid_method", "invalid_request", "invalid_request"], lines.Select(l => l.Error?.Code));
        Assert.Equal(["u", "m", "b", "s"], lines.Select(l => l.CustomId));
    }

    [Fact]
    public void Parse_RepeatedCustomId_SecondIsAnError()
    {
        var lines = Parse(Line("same"), Line("same"));

        Assert.Null(lines[0].Error);
        Assert.Equal("duplicate_custom_id", lines[1].Error?.Code);
    }

    [Fact]
    public void Count_SkipsBlankLines()
    {
        Assert.Equal(2, BatchInput.Count("a\n\n  \r\nb\n"u8));
    }
}
