using System.Text;
using Gateway.Inference.Gguf;

namespace Gateway.Trainer;

/// <summary>
/// Mixes a copying drill into another source's batches: a user message of made-up words and numbers with one
/// quoted span somewhere in it, and the span alone as the answer. Agent roles mostly copy (numbers and words from
/// the task into tool inputs, results into answers), but their answers hold few copied characters among much fixed
/// text, so a small model learns the fixed text first and sits on a plateau before it forms the attention that
/// finds and copies a span. The drill is almost all copying, at varying distances, which shortens that plateau.
/// </summary>
/// <remarks>
/// Two kinds of drill example: a quoted span to find and copy, and (a <paramref name="repeatShare"/> of them) a whole
/// message to repeat, where every answer character is a copy target. The repeat kind is what forms the copying
/// attention fastest (it gives a 64-wide model a falling copy loss within about a thousand steps where the span kind
/// alone gives none in three thousand); the span kind then teaches it to find where to copy from. The first
/// <paramref name="warmupSteps"/> steps are all drill. A third kind (a <paramref name="numbersShare"/>) answers with the
/// message's numbers in order: finding where a number starts among words, as a tool input must, not after a quote.
/// </remarks>
internal sealed class CopyDrill(IExampleSource inner, double share, double repeatShare = 0, int warmupSteps = 0, double numbersShare = 0) : IExampleSource
{
    private const string Consonants = "bcdfghjklmnprstvwz";
    private const string Vowels = "aeiou";

    public IExampleSource Inner => inner;

    public IReadOnlyList<string> Names => inner.Names;

    public Example[] Batch(int seed, int step, int size)
    {
        var random = new Random(unchecked((seed * 7_919) + step));
        if (step >= warmupSteps && random.NextDouble() >= share)
        {
            return inner.Batch(seed, step, size);
        }
        // Drill examples are a fraction of a trace example's length: four times as many cost about as much.
        var batch = new Example[size * 4];
        for (var i = 0; i < batch.Length; i++)
        {
            string span, text;
            var kind = random.NextDouble();
            if (kind < repeatShare)
            {
                span = text = Filler(random, random.Next(2, 10), numbers: 0.4);
            }
            else if (kind < repeatShare + numbersShare)
            {
                var found = new List<string>();
                text = Filler(random, random.Next(2, 12), numbers: 0.3, found);
                if (found.Count == 0)
                {
                    var number = random.Next(0, 10_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    text += " " + number;
                    found.Add(number);
                }
                span = string.Join(" ", found);
            }
            else
            {
                span = Filler(random, random.Next(1, 5), numbers: 0.4);
                text = $"{Filler(random, random.Next(0, 12), 0.2)} \"{span}\" {Filler(random, random.Next(0, 8), 0.2)}".Trim();
            }
            var prompt = "<|im_start|>user\n" + text + "<|im_end|>\n<|im_start|>assistant\n";
            batch[i] = new Example("copy", [.. CharVocabulary.Tokenize(prompt, addBos: true, special: true)], [.. CharVocabulary.TokenizeContinuation(span), CharVocabulary.ImEndId]);
        }
        return batch;
    }

    /// <summary>Made-up words and numbers; each number written is also added to <paramref name="written"/> when given.</summary>
    private static string Filler(Random random, int words, double numbers, List<string>? written = null)
    {
        var text = new StringBuilder();
        for (var w = 0; w < words; w++)
        {
            if (w > 0)
            {
                text.Append(random.NextDouble() < 0.15 ? ", " : " ");
            }
            if (random.NextDouble() < numbers)
            {
                var number = random.Next(0, 10_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                text.Append(number);
                written?.Add(number);
                continue;
            }
            for (var s = random.Next(1, 4); s > 0; s--)
            {
                text.Append(Consonants[random.Next(Consonants.Length)]).Append(Vowels[random.Next(Vowels.Length)]);
            }
        }
        return text.ToString();
    }
}
