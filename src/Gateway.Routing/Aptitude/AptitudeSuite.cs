using Gateway.Routing.Aptitude.Families;

namespace Gateway.Routing.Aptitude;

/// <summary>
/// Our aptitude test: about fifty procedurally generated task families, each item a chat prompt with one exact
/// answer. The same seed always gives the same items (each family draws from its own random source seeded
/// by the suite seed and the family name, so adding a family changes no other family's items). A model's
/// per-task accuracy on the suite is its capability vector; the scored items double as routing training data.
/// </summary>
internal static class AptitudeSuite
{
    public const int DefaultSeed = 1;
    public const int DefaultItemsPerTask = 20;

    /// <summary>Every task family, in a fixed order.</summary>
    public static IReadOnlyList<AptitudeFamily> Families { get; } =
    [
        .. ArithmeticFamilies.All,
        .. CountingSortingFamilies.All,
        .. StringFamilies.All,
        .. DateUnitFamilies.All,
        .. JsonFamilies.All,
        .. CodeFamilies.All,
        .. LogicFamilies.All,
        .. ToolFamilies.All,
    ];

    /// <summary>Generates the suite: every family with <paramref name="itemsPerTask"/> items.</summary>
    public static IReadOnlyList<AptitudeTask> Create(int seed = DefaultSeed, int itemsPerTask = DefaultItemsPerTask)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(itemsPerTask);
        return Families.Select(f => CreateTask(f, seed, itemsPerTask)).ToArray();
    }

    /// <summary>The full prompt for a question: the question and the answer-format instruction.</summary>
    public static string Prompt(Question question) => question.Text + "\n\n" + Instruction(question.Format);

    private static AptitudeTask CreateTask(AptitudeFamily family, int seed, int count)
    {
        var random = new Random(FamilySeed(seed, family.Name));
        var items = new List<AptitudeItem>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; items.Count < count; attempt++)
        {
            var question = family.Generate(random);

            // A family with few distinct questions may repeat one once it has had a fair number of tries.
            if (!seen.Add(question.Text) && attempt < count * 20)
            {
                continue;
            }

            items.Add(new AptitudeItem($"s{seed}-{family.Name}-{items.Count:D2}", family.Name, Prompt(question), question.Expected, question.Format, question.Plan));
        }

        return new AptitudeTask(family.Name, family.Category, family.Description, items);
    }

    private static string Instruction(AnswerFormat format) => format switch
    {
        AnswerFormat.Integer => "Reply with the final answer only, as one line of the form \"Answer: <whole number>\".",
        AnswerFormat.Decimal => "Reply with the final answer only, as one line of the form \"Answer: <number>\".",
        AnswerFormat.YesNo => "Reply with the final answer only, as one line: \"Answer: yes\" or \"Answer: no\".",
        AnswerFormat.List => "Reply with the final answer only, as one line of the form \"Answer: <item>, <item>, ...\".",
        _ => "Reply with the final answer only, as one line of the form \"Answer: <answer>\".",
    };

    /// <summary>A stable hash (FNV-1a), not <see cref="string.GetHashCode()"/>, which differs per process.</summary>
    private static int FamilySeed(int seed, string name)
    {
        var hash = 2166136261u ^ (uint)seed;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
