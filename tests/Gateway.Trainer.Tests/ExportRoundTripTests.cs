using System.Text;
using Gateway.Inference.Gguf;
using Gateway.Routing.Aptitude;
using LLama;
using LLama.Common;
using LLama.Native;
using Spectre.Console;
using static TorchSharp.torch;

namespace Gateway.Trainer.Tests;

/// <summary>
/// Trains a few steps, writes the GGUF and loads it with llama.cpp (LLamaSharp): the tokens llama.cpp makes of the
/// server's prompts, its logits at every position and its greedy continuation must match the TorchSharp model.
/// A wrong tensor layout, rope mode, head grouping or norm would break the logits.
/// </summary>
public sealed class ExportRoundTripTests : IDisposable
{
    private static readonly LlamaShape Shape = new(EmbeddingLength: 32, BlockCount: 2, HeadCount: 4, HeadCountKv: 2, FeedForwardLength: 64, ContextLength: 256);
    private readonly string _directory = Directory.CreateTempSubdirectory("trainer-").FullName;

    static ExportRoundTripTests() => LibTorchCompat.EnsureLoadable();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Export_AfterFewSteps_LlamaCppLogitsAndGreedyTokensMatchTorch()
    {
        var options = new TrainingOptions
        {
            Name = "roundtrip",
            Families = ["uppercase", "count_letter"],
            Shape = Shape,
            Steps = 5,
            BatchSize = 4,
            WarmupSteps = 1,
            Seed = 7,
            Threads = 1,
            OutputPath = Path.Combine(_directory, "m.gguf"),
            CheckpointPath = Path.Combine(_directory, "ckpt"),
        };
        using var model = Training.Train(options, AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }));

        // Five steps barely move the small initial weights; widen them so that attention, rope and the feed-forward
        // shape the logits far beyond the tolerance, and a layout mistake cannot hide.
        var random = new Random(3);
        model.Import(model.Export().ToDictionary(
            kv => kv.Key,
            kv => kv.Value.Select(v => v + (float)((random.NextDouble() - 0.5) * (kv.Key.EndsWith("norm.weight", StringComparison.Ordinal) ? 0.5 : 0.6))).ToArray()));
        Training.Export(model, options.Name, options.OutputPath, halfPrecision: false);
        var item = AptitudeSuite.Create(3, 1).Single(t => t.Name == "uppercase").Items[0];
        var prompt = TaskData.PromptTokens(item.Prompt);

        // An F32 key/value cache, so llama.cpp computes in the precision TorchSharp does (the server's default is F16).
        var parameters = new ModelParams(options.OutputPath)
        {
            ContextSize = 256,
            BatchSize = 256,
            UBatchSize = 256,
            Threads = 1,
            TypeK = GGMLType.GGML_TYPE_F32,
            TypeV = GGMLType.GGML_TYPE_F32,
            FlashAttention = false,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        Assert.Equal(prompt, context.Tokenize(TaskData.ChatPrompt(item.Prompt), addBos: true, special: true).Select(t => (int)t));

        // Logits at every prompt position.
        var batch = new LLamaBatch();
        for (var i = 0; i < prompt.Length; i++)
        {
            batch.Add(prompt[i], i, LLamaSeqId.Zero, true);
        }
        Assert.Equal(DecodeResult.Ok, context.Decode(batch));
        float[,] expected;
        using (no_grad())
        {
            using var logits = model.Logits(model.Hidden(tensor(prompt.Select(t => (long)t).ToArray(), [1, prompt.Length])));
            var flat = logits.data<float>().ToArray();
            expected = new float[prompt.Length, CharVocabulary.Size];
            Buffer.BlockCopy(flat, 0, expected, 0, flat.Length * sizeof(float));
        }
        var worst = 0f;
        var worstAt = 0;
        var spread = 0f;
        for (var i = 0; i < prompt.Length; i++)
        {
            var actual = context.NativeHandle.GetLogitsIth(i);
            Assert.Equal(CharVocabulary.Size, actual.Length);
            for (var v = 0; v < actual.Length; v++)
            {
                if (Math.Abs(actual[v] - expected[i, v]) > worst)
                {
                    (worst, worstAt) = (Math.Abs(actual[v] - expected[i, v]), i);
                }
                spread = Math.Max(spread, Math.Abs(expected[i, v]));
            }
        }
        Assert.True(spread > 0.1f, $"The logits are all near zero ({spread}); the comparison would prove nothing.");
        Assert.True(worst < 1e-3f * Math.Max(1f, spread), $"llama.cpp's logits differ from TorchSharp's by up to {worst} at position {worstAt} of {prompt.Length} (largest logit {spread}).");

        // Greedy continuation, token by token, as the server decodes at temperature 0.
        var torchReply = Training.Generate(model, [prompt], maxTokens: 12)[0];
        var tokens = new List<int>();
        var last = prompt.Length - 1;
        for (var n = 0; n < 12; n++)
        {
            var row = context.NativeHandle.GetLogitsIth(n == 0 ? last : 0);
            var next = 0;
            for (var v = 1; v < row.Length; v++)
            {
                if (row[v] > row[next])
                {
                    next = v;
                }
            }
            if (next is CharVocabulary.EosId or CharVocabulary.ImEndId)
            {
                break;
            }
            tokens.Add(next);
            batch.Clear();
            batch.Add(next, prompt.Length + n, LLamaSeqId.Zero, true);
            Assert.Equal(DecodeResult.Ok, context.Decode(batch));
        }
        Assert.Equal(torchReply, string.Concat(tokens.Select(CharVocabulary.Piece)));

        // The checkpoint resumes: five more steps from step 5 reach step 10.
        using var resumed = Training.Train(options with { Steps = 10 }, AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }));
        Assert.Contains("\"Step\":10", File.ReadAllText(options.CheckpointPath + ".json"), StringComparison.Ordinal);
    }

    [Fact]
    public void Tokenize_EverySuitePrompt_MatchesLlamaCpp()
    {
        var path = Path.Combine(_directory, "vocab.gguf");
        using (var model = new LlamaModel(Shape, CharVocabulary.Size, 1))
        {
            Training.Export(model, "vocab", path, halfPrecision: true);
        }
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { ContextSize = 256 });
        foreach (var task in AptitudeSuite.Create(5, 2))
        {
            foreach (var item in task.Items)
            {
                var text = TaskData.ChatPrompt(item.Prompt);
                var llama = weights.Tokenize(text, true, true, Encoding.UTF8).Select(t => (int)t).ToArray();
                Assert.Equal(llama, TaskData.PromptTokens(item.Prompt));
                var answer = "Answer: " + item.Expected;
                Assert.Equal(answer, string.Concat(CharVocabulary.TokenizeContinuation(answer).Select(CharVocabulary.Piece)));
            }
        }
    }

    [Fact]
    public void ChatPrompt_IsWhatTheModelServerBuildsFromTheGgufTemplate()
    {
        var path = Path.Combine(_directory, "template.gguf");
        using (var model = new LlamaModel(Shape, CharVocabulary.Size, 1))
        {
            Training.Export(model, "template", path, halfPrecision: true);
        }
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { ContextSize = 256 });
        var template = new LLamaTemplate(weights.NativeHandle, null, false);
        template.Add("user", "How many words?\n\nReply with \"Answer: <n>\".");
        template.AddAssistant = true;
        Assert.Equal(TaskData.ChatPrompt("How many words?\n\nReply with \"Answer: <n>\"."), Encoding.UTF8.GetString(template.Apply()));
    }
}
