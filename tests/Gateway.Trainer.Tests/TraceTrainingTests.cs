using System.Text.Json;
using Gateway.Inference.Gguf;
using Gateway.Inference.Grammar;
using Gateway.ModelServer;
using Gateway.ModelServer.Api;
using Gateway.ModelServer.Engine;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace Gateway.Trainer.Tests;

/// <summary>
/// Training on agent traces: each trace line's prompt must be the text the ModelServer renders for the same request
/// from the GGUF the trainer writes, tokenized as llama.cpp tokenizes it, and its completion text the model is
/// trained to write must be one the request's grammar admits.
/// </summary>
public sealed class TraceTrainingTests : IDisposable
{
    private static readonly LlamaShape Shape = new(EmbeddingLength: 32, BlockCount: 2, HeadCount: 4, HeadCountKv: 2, FeedForwardLength: 64, ContextLength: 1024);
    private readonly string _directory = Directory.CreateTempSubdirectory("trainer-traces-").FullName;

    static TraceTrainingTests() => LibTorchCompat.EnsureLoadable();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string Tools = """
        [{"type":"function","function":{"name":"calculator","description":"Evaluates an arithmetic expression.","parameters":{"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]}}},
         {"type":"function","function":{"name":"digit_sum","description":"Sum of the digits.","parameters":{"type":"object","properties":{"n":{"type":"integer"},"base":{"type":"integer"}},"required":["n"]}}},
         {"type":"function","function":{"name":"clock"}}]
        """;

    private const string PlanFormat = """
        {"type":"json_schema","json_schema":{"name":"plan","strict":true,"schema":{"type":"object","properties":{"steps":{"type":"array","minItems":1,"maxItems":12,
         "items":{"type":"object","properties":{"id":{"enum":["E1","E2","E3"]},"tool":{"enum":["calculator","digit_sum"]},"input":{"type":"string","maxLength":200},"plan":{"type":"string","maxLength":200}},
         "required":["id","tool","input","plan"],"additionalProperties":false}}},"required":["steps"],"additionalProperties":false}}}
        """;

    /// <summary>One line of each shape the agents send: a plan under a schema, a tool call, history with calls and results, plain text.</summary>
    public static TheoryData<string> Lines() => [.. Raw().Select(Line)];

    private static string Line(string raw) =>
        raw.Replace("@TOOLS", Tools.ReplaceLineEndings(""), StringComparison.Ordinal).Replace("@PLAN", PlanFormat.ReplaceLineEndings(""), StringComparison.Ordinal);

    private static string[] Raw() =>
    [
        """{"agent":"rewoo","role":"planner","family":"digits_of_product","messages":[{"role":"system","content":"Plan with tools.\nTools: calculator, digit_sum"},{"role":"user","content":"What is the sum of the digits of 37×48?"}],"tools":null,"response_format":@PLAN,"completion":{"content":"{\"steps\":[{\"id\":\"E1\",\"tool\":\"calculator\",\"input\":\"37*48\",\"plan\":\"Multiply \\\"them\\\"\"},{\"plan\":\"Sum its digits\",\"id\":\"E2\",\"tool\":\"digit_sum\",\"input\":\"#E1\"}]}"}}""",
        """{"agent":"umi","role":"caller","family":"digits_of_product","messages":[{"role":"system","content":"You are the caller."},{"role":"user","content":"Sum the digits of 1776."}],"tools":@TOOLS,"tool_choice":"required","response_format":null,"completion":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"digit_sum","arguments":"{\"base\":10,\"n\":1776}"}}]}}""",
        """{"agent":"react","role":"actor","family":"digits_of_product","messages":[{"role":"user","content":"What is 17*23 plus 4?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"calculator","arguments":"{\"expression\":\"17*23\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"391"}],"tools":@TOOLS,"response_format":null,"completion":{"tool_calls":[{"id":"call_2","type":"function","function":{"name":"calculator","arguments":{"expression":"391+4"}}}]}}""",
        """{"agent":"react","role":"actor","family":"digits_of_product","messages":[{"role":"user","content":"What is 17*23 plus 4?"},{"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"calculator","arguments":"{\"expression\":\"17*23+4\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"395"}],"tools":@TOOLS,"tool_choice":"auto","response_format":null,"completion":{"content":"395"}}""",
        """{"agent":"umi","role":"caller","family":"x","messages":[{"role":"user","content":"Now?"}],"tools":@TOOLS,"tool_choice":{"type":"function","function":{"name":"clock"}},"response_format":null,"completion":{"tool_calls":[{"id":"c","type":"function","function":{"name":"clock","arguments":"{}"}}]}}""",
        """{"agent":"rewoo","role":"solver","family":"vowels_reversed","messages":[{"role":"user","content":"Task: How many vowels are in 'lantern' reversed?\n#E1 = text.reverse[lantern] -> nretnal\n#E2 = text.count_vowels[#E1] -> 2\nAnswer directly."}],"tools":null,"response_format":null,"completion":{"content":"2"}}""",
        """{"agent":"umi","role":"planner","family":"x","messages":[{"role":"system","content":"Decide."},{"role":"user","content":"Task: 2+2"}],"tools":null,"response_format":{"type":"json_schema","json_schema":{"name":"decision","schema":{"type":"object","properties":{"thought":{"type":"string","maxLength":300},"next":{"enum":["caller","conclusion","give_up"]}},"required":["thought","next"],"additionalProperties":false}}},"completion":{"content":"{\"next\":\"caller\",\"thought\":\"Add 2 and 2 with the calculator.\"}"}}""",
    ];

    private string WriteModel()
    {
        var path = Path.Combine(_directory, "roles.gguf");
        if (!File.Exists(path))
        {
            using var model = new LlamaModel(Shape, CharVocabulary.Size, 1);
            Training.Export(model, "roles", path, halfPrecision: true, RoleTemplate.Source);
        }
        return path;
    }

    /// <summary>The request the trace line records, as the gateway sends it to the ModelServer.</summary>
    private static ChatRequest Request(JsonElement line)
    {
        var body = new Dictionary<string, JsonElement> { ["messages"] = line.GetProperty("messages") };
        foreach (var name in (string[])["tools", "tool_choice", "response_format"])
        {
            if (line.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                body[name] = value;
            }
        }
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(body));
        return RequestParser.ParseChat(document.RootElement, JsonGrammarLimits.Full);
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Prompt_TraceLine_IsWhatTheModelServerRendersAndTokenizesForTheRequest(string json)
    {
        using var document = JsonDocument.Parse(json);
        var line = document.RootElement;
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(WriteModel()) { ContextSize = 1024 });
        var template = PromptTemplate.Create(new ModelServerOptions { Path = WriteModel() }, weights, NullLogger.Instance, TimeProvider.System);
        var served = template.Apply(Request(line));

        Assert.Equal(served, TraceData.Prompt(line));
        var llamaTokens = weights.Tokenize(served, template.NeedsBos(served), true, System.Text.Encoding.UTF8).Select(t => (int)t);
        Assert.Equal(llamaTokens, TraceData.Render(line).Prompt);
        if (line.GetProperty("tools").ValueKind == JsonValueKind.Array)
        {
            // The template writes the tools itself, compactly, rather than getting the schemas as instructions.
            Assert.True(template.HandlesTools);
            Assert.Contains(line.TryGetProperty("tool_choice", out var c) && c.ValueKind == JsonValueKind.Object ? "Tools: clock()<|im_end|>" : "Tools: calculator(expression) digit_sum(n,base) clock()<|im_end|>", served, StringComparison.Ordinal);
            Assert.DoesNotContain("\"parameters\"", served, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Completion_TraceLine_IsAcceptedByTheRequestsGrammarToTheEnd(string json)
    {
        using var document = JsonDocument.Parse(json);
        var line = document.RootElement;
        var request = Request(line);
        var example = TraceData.Render(line);
        if (request.Grammar is null)
        {
            Assert.Equal(line.GetProperty("completion").GetProperty("content").GetString(), TraceData.Completion(line));
            return;
        }
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(WriteModel()) { ContextSize = 1024 });
        using var grammar = GrammarSampler.TryCreate(weights.NativeHandle, request.Grammar);
        Assert.NotNull(grammar);
        var answer = example.Answer;
        Assert.Equal(CharVocabulary.ImEndId, answer[^1]);
        for (var i = 0; i < answer.Length - 1; i++)
        {
            Assert.True(grammar.Allows((LLamaToken)(answer[i])), $"The grammar refuses '{CharVocabulary.Piece(answer[i])}' after '{string.Concat(answer[..i].Select(CharVocabulary.Piece))}'.");
            grammar.Accept((LLamaToken)(answer[i]));
        }
        // Complete: the grammar now allows the end of the turn, and after a call or a JSON answer no other character.
        Assert.True(grammar.Allows((LLamaToken)(CharVocabulary.ImEndId)));
        if (!line.GetProperty("completion").TryGetProperty("content", out _))
        {
            Assert.False(grammar.Allows((LLamaToken)(CharVocabulary.TokenizeContinuation(" ")[0])));
        }
    }

    [Fact]
    public void Load_CompletionOutsideTheSchema_IsLeftOutAndCounted()
    {
        var path = Path.Combine(_directory, "bad.jsonl");
        var good = Line(Raw()[0]);
        var bad = good.Replace("\\\"plan\\\":\\\"Sum its digits\\\",", "", StringComparison.Ordinal);
        Assert.NotEqual(good, bad);
        File.WriteAllLines(path, [good, bad]);
        var data = TraceData.Load(path);
        Assert.Equal(1, data.Skipped);
        Assert.Single(data.Examples("rewoo/planner"));
    }

    [Fact]
    public void Hidden_SharedPrefix_EqualsTheWholeSequences()
    {
        set_num_threads(1);
        using var model = new LlamaModel(Shape with { ContextLength = 64 }, CharVocabulary.Size, 5);
        var random = new Random(2);
        model.Import(model.Export().ToDictionary(kv => kv.Key, kv => kv.Value.Select(v => v + (float)((random.NextDouble() - 0.5) * 0.6)).ToArray()));
        var prefix = Enumerable.Range(0, 9).Select(_ => (long)random.Next(CharVocabulary.Size)).ToArray();
        var suffixes = Enumerable.Range(0, 3 * 7).Select(_ => (long)random.Next(CharVocabulary.Size)).ToArray();
        using var whole = cat([tensor(prefix, [1, 9]).expand(3, -1), tensor(suffixes, [3, 7])], 1);
        using var expected = model.Hidden(whole)[.., 9..];
        using var actual = model.Hidden(tensor(prefix, [1, 9]), tensor(suffixes, [3, 7]));
        Assert.True(expected.abs().max().item<float>() > 0.1f);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5), $"Largest difference {(actual - expected).abs().max().item<float>()}.");
    }

    [Fact]
    public void ExactMatches_GreedyContinuation_MatchesAndAnyOtherAnswerDoesNot()
    {
        set_num_threads(1);
        using var model = new LlamaModel(Shape with { ContextLength = 128 }, CharVocabulary.Size, 9);
        var random = new Random(4);
        model.Import(model.Export().ToDictionary(kv => kv.Key, kv => kv.Value.Select(v => v + (float)((random.NextDouble() - 0.5) * 0.6)).ToArray()));
        var prompts = new[] { "Plan: what is 12 * 34?", "Plan: how many vowels in \"bolu\"?" }
            .Select(q => CharVocabulary.Tokenize($"<|im_start|>system\nTools: calculator(expression)<|im_end|>\n<|im_start|>user\n{q}<|im_end|>\n<|im_start|>assistant\n", addBos: true, special: true).ToArray())
            .ToArray();
        var greedy = prompts.Select(p => Training.GenerateTokens(model, [p], maxTokens: 12)[0].ToArray()).ToArray();
        Assert.All(greedy, g => Assert.True(g.Length >= 4, "The random model ended its answer too early to be a useful check."));
        var right = prompts.Select((p, i) => new Example("r", p, greedy[i])).ToArray();
        Assert.True(Training.SharedPrefix(right) > 20);
        Assert.Equal([true, true], Training.ExactMatches(model, right));

        // One changed token anywhere in the answer, and greedy decoding no longer writes it.
        var changed = greedy[1].ToArray();
        changed[^2] = changed[^2] == CharVocabulary.SpaceId ? CharVocabulary.SpaceId + 1 : CharVocabulary.SpaceId;
        Assert.Equal([true, false], Training.ExactMatches(model, [right[0], right[1] with { Answer = changed }]));
    }
}
