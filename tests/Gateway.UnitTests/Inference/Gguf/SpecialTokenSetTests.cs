using Gateway.Inference.Gguf;

namespace Gateway.UnitTests.Inference.Gguf;

public sealed class SpecialTokenSetTests
{
    [Theory]
    [InlineData("<|start_header_id|>system<|end_header_id|>", "llama3")]
    [InlineData("<|im_start|>user", "chatml")]
    [InlineData("[INST] hi [/INST]", "mistral")]
    [InlineData("<start_of_turn>user", "default")]
    public void FromTemplate_Markers_PicksTheFamily(string template, string family) =>
        Assert.Equal(family, SpecialTokenSet.FromTemplate(template).Name);

    [Fact]
    public void Presets_EachValidates()
    {
        foreach (var preset in SpecialTokenSet.Presets)
        {
            preset.Validate();
        }
    }

    [Fact]
    public void Validate_RoleNotAToken_Throws()
    {
        var set = SpecialTokenSet.Default with { Eot = "<|eot_id|>" };

        var error = Assert.Throws<ArgumentException>(set.Validate);

        Assert.Contains("<|eot_id|>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TokensWithRoles_SetsRolesTypesAndBos()
    {
        var set = SpecialTokenFile.Parse("# Gemma-like\n<bos> bos\n<eos> eos\n<start_of_turn>\n<end_of_turn> eot\n<think> text\n", "gemma.txt");

        Assert.Equal(["<bos>", "<eos>", "<start_of_turn>", "<end_of_turn>", "<think>"], set.Tokens.Select(t => t.Text));
        Assert.Equal(("<bos>", "<eos>", "<end_of_turn>", true), (set.Bos, set.Eos, set.Eot, set.AddBos));
        Assert.False(set.Tokens.Single(t => t.Text == "<think>").Control);
        Assert.True(set.Tokens.Single(t => t.Text == "<start_of_turn>").Control);
    }

    [Fact]
    public void Parse_NoBos_UsesEosAndAddsNoBos()
    {
        var set = SpecialTokenFile.Parse("<|endoftext|> eos\n", "qwen");

        Assert.Equal(("<|endoftext|>", false), (set.Bos, set.AddBos));
    }

    [Theory]
    [InlineData("<a> eos\n<b> pad\n", "unknown role 'pad'")]
    [InlineData("<a>\n<b>\n", "no token has the eos role")]
    [InlineData("<a> eos\n<b> eos\n", "already given")]
    [InlineData("<a> eos\n<a>\n", "listed twice")]
    public void Parse_Invalid_ThrowsWithTheReason(string text, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => SpecialTokenFile.Parse(text, "f"));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
