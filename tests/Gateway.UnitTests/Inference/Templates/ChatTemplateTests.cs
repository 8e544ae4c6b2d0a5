using Gateway.Inference.Templates;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.Inference.Templates;

public sealed class ChatTemplateTests
{
    private static JArray Messages(params (string Role, string Content)[] messages) =>
        [.. messages.Select(m => (object?)new JObject { ["role"] = m.Role, ["content"] = m.Content })];

    private static string Render(string template, JArray? messages = null, ChatTemplateLimits? limits = null, IReadOnlyDictionary<string, object?>? extra = null) =>
        ChatTemplate.Parse(template).Render(new ChatTemplateContext
        {
            Messages = messages ?? Messages(("user", "hi")),
            Extra = extra ?? new Dictionary<string, object?>(),
        }, limits);

    [Fact]
    public void Parse_UnsupportedStatement_ThrowsNamingIt()
    {
        var e = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse("{% include 'other.jinja' %}"));

        Assert.Contains("include", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedBlock_Throws()
    {
        Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse("{% for m in messages %}{{ m.content }}"));
    }

    [Fact]
    public void Parse_NestingBeyondTheLimit_ThrowsInsteadOfOverflowingTheStack()
    {
        var depth = TemplateParser.MaxNesting + 10;
        var template = "{{ " + new string('(', depth) + "1" + new string(')', depth) + " }}";

        Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(template));
    }

    [Fact]
    public void Render_RaiseException_ThrowsTheTemplatesMessage()
    {
        var template = "{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}ok";

        var e = Assert.Throws<TemplateRaisedException>(() => Render(template, Messages(("system", "x"))));

        Assert.Equal("System role not supported", e.Message);
    }

    [Fact]
    public void Render_NestedLoopsOverALongConversation_StopAtTheIterationLimit()
    {
        var conversation = Messages([.. Enumerable.Range(0, 50).Select(i => ("user", $"m{i}"))]);
        var template = "{% for a in messages %}{% for b in messages %}.{% endfor %}{% endfor %}";

        // 50 outer + 50 x 50 inner iterations = 2550, over a limit of 1000.
        Assert.Throws<TemplateLimitException>(() => Render(template, conversation, new ChatTemplateLimits { MaxIterations = 1000 }));
    }

    [Fact]
    public void Render_HugeRange_RefusedBeforeItIsBuilt()
    {
        Assert.Throws<TemplateLimitException>(() => Render("{% for i in range(1000000000) %}x{% endfor %}"));
    }

    [Fact]
    public void Render_OutputOverTheLimit_Throws()
    {
        var template = "{% for m in messages %}{{ m.content }}{% endfor %}";

        Assert.Throws<TemplateLimitException>(() => Render(template, Messages(("user", new string('a', 2000))), new ChatTemplateLimits { MaxOutputChars = 1000 }));
    }

    [Fact]
    public void Render_SelfRecursiveMacro_StopsAtTheCallDepth()
    {
        var template = "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}";

        Assert.Throws<TemplateLimitException>(() => Render(template));
    }

    [Fact]
    public void Render_StrftimeNow_UsesTheGivenClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.Utc);

        var text = ChatTemplate.Parse("{{ strftime_now('%d %b %Y %H:%M') }}").Render(new ChatTemplateContext { Messages = [] }, time: time);

        Assert.Equal("15 Jan 2026 10:30", text);
    }

    [Fact]
    public void Render_TojsonOptions_FollowPythonsLayout()
    {
        var extra = new Dictionary<string, object?> { ["x"] = new JObject { ["a"] = 1L, ["b"] = new JArray { "é", true } } };

        Assert.Equal("{\"a\": 1, \"b\": [\"é\", true]}", Render("{{ x | tojson }}", extra: extra));
        Assert.Equal("{\"a\":1,\"b\":[\"\\u00e9\",true]}", Render("{{ x | tojson(separators=(',', ':'), ensure_ascii=true) }}", extra: extra));
        Assert.Equal("{\n  \"a\": 1,\n  \"b\": [\n    \"é\",\n    true\n  ]\n}", Render("{{ x | tojson(indent=2) }}", extra: extra));
    }

    [Fact]
    public void Render_NamespaceSetInsideALoop_IsSeenAfterIt()
    {
        var template = "{% set ns = namespace(last='') %}{% for m in messages %}{% set ns.last = m.content %}{% endfor %}{{ ns.last }}";

        Assert.Equal("b", Render(template, Messages(("user", "a"), ("user", "b"))));
    }

    [Fact]
    public void Render_ReverseSliceMapAndJoin_AsJinja()
    {
        var template = "{{ messages[::-1] | map(attribute='content') | join(',') }}|{{ messages | selectattr('role', 'equalto', 'user') | list | length }}";

        Assert.Equal("c,b,a|2", Render(template, Messages(("user", "a"), ("assistant", "b"), ("user", "c"))));
    }

    [Fact]
    public void Render_WhitespaceControl_TrimsAroundTags()
    {
        var template = "<{%- if true %}\n  x\n{%- endif -%}\n>";

        Assert.Equal("<  x>", Render(template));
    }

    [Fact]
    public void Render_BreakMidIteration_DropsThatIterationsOutput()
    {
        var template = "{% for m in messages %}[{{ m.content }}{% if loop.index == 2 %}{% break %}{% endif %}]{% endfor %}";

        Assert.Equal("[a]", Render(template, Messages(("user", "a"), ("user", "b"), ("user", "c"))));
    }

    [Fact]
    public void Render_MissingAttributeOfAConversationMessage_IsUndefinedNotAnError()
    {
        Assert.Equal("none", Render("{{ messages[0].tool_calls | default('none') }}"));
    }

    [Fact]
    public void Render_TypeErrorCausedByTheConversation_IsARuntimeError()
    {
        var messages = new JArray { new JObject { ["role"] = "user", ["content"] = 5L } };

        Assert.Throws<TemplateRuntimeException>(() => Render("{{ messages[0].content | trim }}", messages));
    }
}
