using System.Text;
using System.Text.Json;
using Gateway.Inference.Protocol;

namespace Gateway.UnitTests.Inference.Protocol;

public sealed class JsonTextTests
{
    [Theory]
    [InlineData("""{"a":"plain"}""")]
    [InlineData("""{"a":"h\u00e9llo \ud83d\ude00 \n"}""")]
    [InlineData("""{"a":"é 😀"}""")]
    [InlineData("""{"a":"\\ud800 is text, the backslash is escaped"}""")]
    [InlineData("""{"a":"\ud800""")]
    public void EncodingProblem_ReadableText_None(string json)
    {
        Assert.Null(JsonText.EncodingProblem(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""")]
    [InlineData("""{"a":"x \udfff y"}""")]
    [InlineData("""{"a":"\ud83d\u0041"}""")]
    [InlineData("""{"\ud800":1}""")]
    [InlineData("""{"a":[{"b":"\udbff"}]}""")]
    public void EncodingProblem_LoneSurrogateEscape_Reported(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.Contains("surrogate", JsonText.EncodingProblem(bytes), StringComparison.Ordinal);
        // What the check guards against: reading the string throws.
        Assert.ThrowsAny<InvalidOperationException>(() => ReadAllStrings(bytes));
    }

    [Fact]
    public void EncodingProblem_BrokenUtf8_Reported()
    {
        byte[] json = [.. "{\"a\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.Contains("UTF-8", JsonText.EncodingProblem(json), StringComparison.Ordinal);
    }

    private static void ReadAllStrings(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                _ = reader.GetString();
            }
        }
    }
}
