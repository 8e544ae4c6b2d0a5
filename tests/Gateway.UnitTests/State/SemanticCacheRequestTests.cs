using System.Text;
using Gateway.Host.FrontDoor;
using Gateway.Host.State;

namespace Gateway.UnitTests.State;

public sealed class SemanticCacheRequestTests
{
    private const string Encoder = "minilm";

    [Fact]
    public void Read_SameConversationOtherLastQuestion_SamePartitionAndTheQuestion()
    {
        var a = Read(Chat("What is the capital of France?"));
        var b = Read(Chat("Which city is France's capital?"));

        Assert.Equal(a!.Value.Partition, b!.Value.Partition);
        Assert.Equal("Which city is France's capital?", b.Value.Question);
    }

    [Theory]
    [InlineData("\"seed\":1,")]
    [InlineData("\"max_tokens\":5,")]
    [InlineData("\"stop\":[\"\\n\"],")]
    [InlineData("\"response_format\":{\"type\":\"json_object\"},")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],")]
    [InlineData("\"stream\":true,")]
    public void Read_AnAnswerChangingParameter_OtherPartition(string parameter)
    {
        var plain = Read(Chat("What is the capital of France?"));
        var changed = Read(Chat("What is the capital of France?", extra: parameter));

        Assert.NotEqual(plain!.Value.Partition, changed!.Value.Partition);
    }

    [Fact]
    public void Read_OtherSystemPrompt_OtherPartition()
    {
        var a = Read(Chat("What is the capital of France?", system: "Answer in French."));
        var b = Read(Chat("What is the capital of France?", system: "Answer in German."));

        Assert.NotEqual(a!.Value.Partition, b!.Value.Partition);
    }

    [Fact]
    public void Read_OtherTenant_OtherPartition()
    {
        var body = Encoding.UTF8.GetBytes(Chat("What is the capital of France?"));

        var a = SemanticCacheRequest.Read(OpenAIOperation.ChatCompletions, body, "key:a", Encoder, zeroTemperatureOnly: true);
        var b = SemanticCacheRequest.Read(OpenAIOperation.ChatCompletions, body, "key:b", Encoder, zeroTemperatureOnly: true);

        Assert.NotEqual(a!.Value.Partition, b!.Value.Partition);
    }

    [Fact]
    public void Read_OnlyTheEndUserIdDiffers_SamePartition()
    {
        var a = Read(Chat("What is the capital of France?", extra: "\"user\":\"alice\","));
        var b = Read(Chat("What is the capital of France?", extra: "\"user\":\"bob\","));

        Assert.Equal(a!.Value.Partition, b!.Value.Partition);
    }

    [Theory]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")]
    [InlineData("{\"model\":\"m\",\"temperature\":0.7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")]
    [InlineData("{\"model\":\"m\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"}]}")]
    [InlineData("{\"model\":\"m\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:x\"}}]}]}")]
    [InlineData("{\"model\":\"m\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"  \"}]}")]
    [InlineData("{\"model\":\"m\",\"temperature\":0,\"messages\":[]}")]
    public void Read_NotACacheableQuestion_Null(string body) =>
        Assert.Null(SemanticCacheRequest.Read(OpenAIOperation.ChatCompletions, Encoding.UTF8.GetBytes(body), "key:a", Encoder, zeroTemperatureOnly: true));

    [Fact]
    public void Read_TextParts_JoinedAsTheQuestion()
    {
        var body = "{\"model\":\"m\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]}]}";

        Assert.Equal("a\nb", Read(body)!.Value.Question);
    }

    [Fact]
    public void Read_Embeddings_Null() =>
        Assert.Null(SemanticCacheRequest.Read(OpenAIOperation.Embeddings, "{\"model\":\"m\",\"input\":\"x\"}"u8, "key:a", Encoder, zeroTemperatureOnly: false));

    private static (string Partition, string Question)? Read(string body) =>
        SemanticCacheRequest.Read(OpenAIOperation.ChatCompletions, Encoding.UTF8.GetBytes(body), "key:a", Encoder, zeroTemperatureOnly: true);

    private static string Chat(string question, string system = "Be brief.", string extra = "") =>
        "{\"model\":\"m\"," + extra + "\"temperature\":0,\"messages\":[{\"role\":\"system\",\"content\":\"" + system + "\"},{\"role\":\"user\",\"content\":\"" + question.Replace("'", "\\u0027", StringComparison.Ordinal) + "\"}]}";
}
