using Gateway.Cli.Inference;
using Gateway.Inference.Gguf;

namespace Gateway.UnitTests.Cli.Inference;

public sealed class InferenceCommandsTests
{
    [Fact]
    public async Task ModelTiny_WithOutAndSeed_WritesTheModel()
    {
        var dir = Directory.CreateTempSubdirectory("tiny-cli-").FullName;
        try
        {
            var path = Path.Combine(dir, "sub", "m.gguf");
            var root = new System.CommandLine.RootCommand { InferenceCommands.CreateModelCommand() };

            var exit = await root.Parse(["model", "tiny", "--out", path, "--seed", "5"]).InvokeAsync();

            Assert.Equal(0, exit);
            Assert.Equal("llama", GgufReader.Read(path).Metadata["general.architecture"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ModelTiny_VocabularyTooSmall_ExitsWithTheReasonAndWritesNothing()
    {
        var dir = Directory.CreateTempSubdirectory("tiny-cli-").FullName;
        try
        {
            var path = Path.Combine(dir, "m.gguf");
            var root = new System.CommandLine.RootCommand { InferenceCommands.CreateModelCommand() };
            var error = new StringWriter();

            var exit = await root.Parse(["model", "tiny", "--out", path, "--vocabulary", "10"]).InvokeAsync(new System.CommandLine.InvocationConfiguration { Error = error });

            Assert.Equal(2, exit);
            Assert.Contains("VocabularySize", error.ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ModelTiny_WithoutOut_ReportsAnError()
    {
        var root = new System.CommandLine.RootCommand { InferenceCommands.CreateModelCommand() };

        var result = root.Parse(["model", "tiny"]);

        Assert.NotEmpty(result.Errors);
    }
}
