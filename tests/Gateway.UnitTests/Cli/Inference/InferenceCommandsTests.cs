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
    public async Task ModelTiny_ChatTemplateBpeAndSpecialTokens_WritesThemIntoTheModel()
    {
        var dir = Directory.CreateTempSubdirectory("tiny-cli-").FullName;
        try
        {
            var path = Path.Combine(dir, "m.gguf");
            var template = Path.Combine(dir, "t.jinja");
            File.WriteAllText(template, "{% for m in messages %}[INST] {{ m.content }} [/INST]{% endfor %}");
            var root = new System.CommandLine.RootCommand { InferenceCommands.CreateModelCommand() };

            var exit = await root.Parse(["model", "tiny", "--out", path, "--chat-template", template, "--tokenizer", "bpe"]).InvokeAsync();
            var metadata = GgufReader.Read(path).Metadata;

            Assert.Equal(0, exit);
            Assert.Equal("gpt2", metadata["tokenizer.ggml.model"]);
            Assert.Equal(File.ReadAllText(template), metadata["tokenizer.chat_template"]);
            Assert.Contains("[TOOL_CALLS]", ((object[])metadata["tokenizer.ggml.tokens"]).Cast<string>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ModelTiny_SpecialTokensFile_UsesItsTokensAndRoles()
    {
        var dir = Directory.CreateTempSubdirectory("tiny-cli-").FullName;
        try
        {
            var path = Path.Combine(dir, "m.gguf");
            var specials = Path.Combine(dir, "specials.txt");
            File.WriteAllText(specials, "<bos> bos\n<start_of_turn>\n<end_of_turn> eos eot\n");
            var root = new System.CommandLine.RootCommand { InferenceCommands.CreateModelCommand() };

            var exit = await root.Parse(["model", "tiny", "--out", path, "--special-tokens", specials]).InvokeAsync();
            var metadata = GgufReader.Read(path).Metadata;
            var tokens = ((object[])metadata["tokenizer.ggml.tokens"]).Cast<string>().ToList();

            Assert.Equal(0, exit);
            Assert.Equal((uint)tokens.IndexOf("<end_of_turn>"), metadata["tokenizer.ggml.eos_token_id"]);
            Assert.Equal((uint)tokens.IndexOf("<bos>"), metadata["tokenizer.ggml.bos_token_id"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--special-tokens", "no-such-preset", "neither a preset")]
    [InlineData("--chat-template", "/no/such/template.jinja", "template.jinja")]
    public async Task ModelTiny_BadTokenizerInput_ExitsWithTheReason(string option, string value, string reason)
    {
        var dir = Directory.CreateTempSubdirectory("tiny-cli-").FullName;
        try
        {
            var root = new System.CommandLine.RootCommand { InferenceCommands.CreateModelCommand() };
            var error = new StringWriter();

            var exit = await root.Parse(["model", "tiny", "--out", Path.Combine(dir, "m.gguf"), option, value]).InvokeAsync(new System.CommandLine.InvocationConfiguration { Error = error });

            Assert.Equal(2, exit);
            Assert.Contains(reason, error.ToString(), StringComparison.Ordinal);
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
