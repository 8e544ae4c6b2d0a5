using Gateway.Inference.Gguf;
using Gateway.Routing.Aptitude;

namespace Gateway.Trainer;

/// <summary>One training example: the tokens the server feeds for a chat prompt, then the answer and end-of-turn.</summary>
internal sealed record Example(string Task, int[] Prompt, int[] Answer);

/// <summary>
/// Chat examples from the aptitude suite's generators. The prompt is the text a ModelServer builds for a single
/// user message (the GGUF's ChatML template with the generation prompt), tokenized as llama.cpp tokenizes it;
/// the answer is <c>Answer: &lt;expected&gt;</c> followed by <c>&lt;|im_end|&gt;</c> so generation stops.
/// </summary>
internal sealed class TaskData : IExampleSource
{
    private readonly AptitudeFamily[] _families;

    public TaskData(IEnumerable<string> families)
    {
        var all = AptitudeSuite.Families.ToDictionary(f => f.Name, StringComparer.Ordinal);
        _families = families.Select(name => all.TryGetValue(name, out var f)
            ? f
            : throw new ArgumentException($"Unknown task family '{name}'. Known: {string.Join(", ", all.Keys)}.")).ToArray();
        if (_families.Length == 0)
        {
            throw new ArgumentException("At least one task family is needed.");
        }
    }

    public IReadOnlyList<string> Families => _families.Select(f => f.Name).ToArray();

    public IReadOnlyList<string> Names => Families;

    /// <summary>The prompt text the server builds from one user message.</summary>
    public static string ChatPrompt(string user) => "<|im_start|>user\n" + user + "<|im_end|>\n<|im_start|>assistant\n";

    public static int[] PromptTokens(string user) => [.. CharVocabulary.Tokenize(ChatPrompt(user), addBos: true, special: true)];

    public static int[] AnswerTokens(string expected) => [.. CharVocabulary.TokenizeContinuation("Answer: " + expected), CharVocabulary.ImEndId];

    /// <summary>A batch of fresh examples, families drawn uniformly; the same seed and step give the same batch.</summary>
    public Example[] Batch(int seed, int step, int size)
    {
        var random = new Random(unchecked((seed * 1_000_003) + step));
        var batch = new Example[size];
        for (var i = 0; i < size; i++)
        {
            var family = _families[random.Next(_families.Length)];
            var question = family.Generate(random);
            batch[i] = new Example(family.Name, PromptTokens(AptitudeSuite.Prompt(question)), AnswerTokens(question.Expected));
        }
        return batch;
    }

    /// <summary>Held-out items: the suite's items for a seed, restricted to these families.</summary>
    public IReadOnlyList<AptitudeItem> HeldOut(int seed, int itemsPerTask)
    {
        var names = Families.ToHashSet(StringComparer.Ordinal);
        return AptitudeSuite.Create(seed, itemsPerTask).Where(t => names.Contains(t.Name)).SelectMany(t => t.Items).ToArray();
    }
}
