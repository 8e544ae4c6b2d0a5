namespace Gateway.Routing.Aptitude;

/// <summary>How an item's answer is written and compared.</summary>
internal enum AnswerFormat
{
    /// <summary>A whole number; the last number of the answer counts ("1,234" and "42.0" are read too).</summary>
    Integer,

    /// <summary>A number rounded to as many decimals as the expected answer has.</summary>
    Decimal,

    /// <summary>Text compared ignoring case, surrounding quotes, a trailing full stop and extra whitespace.</summary>
    Text,

    /// <summary>Text compared like <see cref="Text"/> but case-sensitively (case conversion tasks).</summary>
    ExactText,

    /// <summary>Items separated by commas or spaces, compared in order, ignoring case.</summary>
    List,

    /// <summary>"yes" or "no" ("true"/"false" are accepted).</summary>
    YesNo,
}

/// <summary>A generated question: its text, the one correct answer and how answers are compared.</summary>
internal sealed record Question(string Text, string Expected, AnswerFormat Format);

/// <summary>One item of the aptitude suite: a chat prompt with exactly one expected answer.</summary>
/// <param name="Id">Stable per seed, e.g. <c>s7-add-03</c>; the same item has the same id in every model's run.</param>
/// <param name="Task">The task family the item belongs to.</param>
/// <param name="Prompt">The user message sent to the model, including the answer-format instruction.</param>
/// <param name="Expected">The correct answer, in the form the prompt asks for.</param>
/// <param name="Format">How a reply is compared with <paramref name="Expected"/>.</param>
internal sealed record AptitudeItem(string Id, string Task, string Prompt, string Expected, AnswerFormat Format)
{
    /// <summary>1 when the reply's answer matches the expected one, else 0.</summary>
    public double Score(string? reply) => AnswerScorer.Score(reply, Expected, Format);

    /// <summary>The answer the scorer reads from a reply, for reports; null when none was found.</summary>
    public string? ExtractAnswer(string? reply) => AnswerScorer.Extract(reply, Format);
}

/// <summary>A task family of the suite with its generated items.</summary>
internal sealed record AptitudeTask(string Name, string Category, string Description, IReadOnlyList<AptitudeItem> Items);
