using Gateway.Inference.Templates;
using Gateway.TestUtilities.Inference;

namespace Gateway.UnitTests.Inference.Templates;

/// <summary>
/// The engine against @huggingface/jinja's renderings of llama.cpp's real model templates (see goldens/regen.sh):
/// byte for byte where the reference renders, and an error wherever the reference raises.
/// </summary>
public sealed class ChatTemplateGoldenTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (template, conversation) in ChatTemplateGoldens.Cases())
        {
            data.Add(template, conversation);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_RealTemplate_MatchesReferenceRenderer(string template, string conversation)
    {
        var compiled = ChatTemplate.Parse(ChatTemplateGoldens.Template(template));
        var expected = ChatTemplateGoldens.Expected(template, conversation, out var error);

        if (expected is null)
        {
            var thrown = Assert.ThrowsAny<TemplateRuntimeException>(() => compiled.Render(ChatTemplateGoldens.Context(conversation)));
            if (thrown is TemplateRaisedException)
            {
                // The template's own refusal reaches the caller: it must say what the reference says.
                Assert.Equal(error, thrown.Message);
            }
            return;
        }
        Assert.Equal(expected, compiled.Render(ChatTemplateGoldens.Context(conversation)));
    }
}
