namespace Gateway.Inference.Grammar;

/// <summary>
/// How free the JSON a grammar admits is. <see cref="Full"/> is what a real model needs: any JSON string (escapes
/// included, no lone surrogates) and arrays and objects of any size, bounded only by <c>max_tokens</c> and the
/// schema. <see cref="Compact"/> keeps strings short and plain and collections small, so a model that writes
/// noise (a random-weight test model) still closes its JSON within a few dozen tokens.
/// </summary>
public sealed record JsonGrammarLimits
{
    /// <summary>The longest string unless a schema says <c>maxLength</c>; null for no bound.</summary>
    public int? MaxStringLength { get; init; }

    /// <summary>The most array items (and members of a free-form object) unless a schema says <c>maxItems</c>; null for no bound.</summary>
    public int? MaxItems { get; init; }

    /// <summary>Strings only of letters, digits, spaces and common punctuation, never an escape.</summary>
    public bool PlainStrings { get; init; }

    /// <summary>Free-form JSON (<c>json_object</c>, schemas without properties) nests at most one object deep.</summary>
    public bool ShallowObjects { get; init; }

    /// <summary>No bounds beyond the schema's: the limits for real models.</summary>
    public static JsonGrammarLimits Full { get; } = new();

    /// <summary>Plain strings of at most 16 characters, at most 3 items, objects one level deep: for noise-writing test models.</summary>
    public static JsonGrammarLimits Compact { get; } = new() { MaxStringLength = 16, MaxItems = 3, PlainStrings = true, ShallowObjects = true };

    /// <summary>Repetitions a pattern's <c>*</c>, <c>+</c> or <c>{n,}</c> adds at most; null for no bound.</summary>
    internal int? OpenRepeat => MaxStringLength;
}
