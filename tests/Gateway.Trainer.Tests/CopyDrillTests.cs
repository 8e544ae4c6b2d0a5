using System.Text.RegularExpressions;
using Gateway.Inference.Gguf;

namespace Gateway.Trainer.Tests;

/// <summary>The copying drill's kinds, its share of batches and its warm-up.</summary>
public sealed partial class CopyDrillTests
{
    [Fact]
    public void Batch_RepeatKind_AnswerIsTheWholeMessage()
    {
        var drill = new CopyDrill(new NoExamples(), share: 1, repeatShare: 1);

        var batch = drill.Batch(seed: 1, step: 3, size: 4);

        Assert.Equal(16, batch.Length);
        Assert.All(batch, e => Assert.Equal(Message(e), Answer(e)));
    }

    [Fact]
    public void Batch_NumbersKind_AnswerIsTheMessagesNumbersInOrder()
    {
        var drill = new CopyDrill(new NoExamples(), share: 1, numbersShare: 1);

        var batch = drill.Batch(seed: 1, step: 5, size: 8);

        Assert.All(batch, e =>
        {
            var numbers = Number().Matches(Message(e)).Select(m => m.Value).ToArray();
            Assert.NotEmpty(numbers);
            Assert.Equal(string.Join(" ", numbers), Answer(e));
        });
    }

    [Fact]
    public void Batch_SpanKind_AnswerIsTheQuotedSpan()
    {
        var drill = new CopyDrill(new NoExamples(), share: 1);

        var batch = drill.Batch(seed: 2, step: 7, size: 4);

        Assert.All(batch, e => Assert.Contains($"\"{Answer(e)}\"", Message(e), StringComparison.Ordinal));
    }

    [Fact]
    public void Batch_WarmupThenShare_AllDrillFirstThenMostlyTheInnerSource()
    {
        var drill = new CopyDrill(new NoExamples(), share: 0.1, repeatShare: 1, warmupSteps: 50);

        var warmup = Enumerable.Range(0, 50).Count(step => drill.Batch(1, step, 2)[0].Task == "copy");
        var after = Enumerable.Range(50, 400).Count(step => drill.Batch(1, step, 2)[0].Task == "copy");

        Assert.Equal(50, warmup);
        Assert.InRange(after, 15, 70);
    }

    private static string Message(Example e)
    {
        // Control tokens (<|im_start|>, <|im_end|>) have no text, and a space piece follows each: " user\n{message} \n assistant\n".
        var text = string.Concat(e.Prompt.Select(CharVocabulary.Piece));
        var start = text.IndexOf("user\n", StringComparison.Ordinal) + 5;
        return text[start..text.LastIndexOf("assistant\n", StringComparison.Ordinal)].TrimEnd();
    }

    private static string Answer(Example e) =>
        string.Concat(e.Answer.Where(t => t != CharVocabulary.ImEndId).Select(CharVocabulary.Piece));

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Number();

    private sealed class NoExamples : IExampleSource
    {
        public IReadOnlyList<string> Names => ["role"];

        public Example[] Batch(int seed, int step, int size) =>
            [.. Enumerable.Range(0, size).Select(_ => new Example("role", [1], [2]))];
    }
}
