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
/// <param name="Text">The question, without the answer-format instruction.</param>
/// <param name="Expected">The one correct answer.</param>
/// <param name="Format">How answers are compared.</param>
/// <param name="Plan">For tool families, the steps that answer the question with the shipped tools; null otherwise.</param>
internal sealed record Question(string Text, string Expected, AnswerFormat Format, IReadOnlyList<Tools.PlanStep>? Plan = null);

/// <summary>One item of the aptitude suite: a chat prompt with exactly one expected answer.</summary>
/// <param name="Id">Stable per seed, e.g. <c>s7-add-03</c>; the same item has the same id in every model's run.</param>
/// <param name="Task">The task family the item belongs to.</param>
/// <param name="Prompt">The user message sent to the model, including the answer-format instruction.</param>
/// <param name="Expected">The correct answer, in the form the prompt asks for.</param>
/// <param name="Format">How a reply is compared with <paramref name="Expected"/>.</param>
/// <param name="Plan">For tool families, the reference plan: shipped tools and arguments, later steps referring to earlier results as <c>#Ek</c>.</param>
internal sealed record AptitudeItem(string Id, string Task, string Prompt, string Expected, AnswerFormat Format, IReadOnlyList<Tools.PlanStep>? Plan = null)
{
    /// <summary>Items are equal when every field is, the reference plan compared step by step.</summary>
    public bool Equals(AptitudeItem? other) =>
        other is not null && (Id, Task, Prompt, Expected, Format) == (other.Id, other.Task, other.Prompt, other.Expected, other.Format)
        && (Plan is null ? other.Plan is null : other.Plan is not null && Plan.SequenceEqual(other.Plan));

    public override int GetHashCode() => HashCode.Combine(Id, Task, Prompt, Expected, Format, Plan?.Count);

    /// <summary>1 when the reply's answer matches the expected one, else 0.</summary>
    public double Score(string? reply) => AnswerScorer.Score(reply, Expected, Format);

    /// <summary>The answer the scorer reads from a reply, for reports; null when none was found.</summary>
    public string? ExtractAnswer(string? reply) => AnswerScorer.Extract(reply, Format);
}

/// <summary>A task family of the suite with its generated items.</summary>
internal sealed record AptitudeTask(string Name, string Category, string Description, IReadOnlyList<AptitudeItem> Items);
