namespace Gateway.Inference.Grammar;

/// <summary>
/// The most a grammar built from a request may cost llama.cpp. Every grammar the ModelServer builds (JSON schemas,
/// string patterns, tools, <c>json_object</c>) is measured against these before it reaches llama.cpp: its text, its
/// rules, and the rules and elements llama.cpp's parser generates when it unrolls repetitions and groups.
/// </summary>
/// <remarks>
/// llama.cpp unrolls <c>X{m,n}</c> into n − m generated rules, each holding a copy of X, and a repetition of a
/// group repeats every rule the group generated: <c>(a{0,1000}){0,10}</c> asks for 10 × 1001. Its parser refuses a
/// repetition whose generated rules times its count reaches 2000 and the sampler is then missing, so the bound on one
/// repetition here (<see cref="MaxRepetitionExpansion"/>) is tighter than that and every such grammar is a client
/// error before llama.cpp sees it. The other bounds keep what llama.cpp accepts small enough to parse and to sample
/// with quickly: ambiguous nested repetitions and wide alternations multiply the parse stacks each token is checked
/// against, on the thread that decodes every sequence of the model.
/// </remarks>
internal static class GrammarBounds
{
    /// <summary>Characters of GBNF text.</summary>
    public const int MaxLength = 256 * 1024;

    /// <summary>Named rules.</summary>
    public const int MaxRules = 4096;

    /// <summary>Alternatives of one rule or group (an <c>enum</c>, <c>anyOf</c>, a pattern's <c>|</c>, tools).</summary>
    public const int MaxAlternatives = 1024;

    /// <summary>Groups nested in one rule.</summary>
    public const int MaxNesting = 32;

    /// <summary>For one repetition: the rules its item generates times its largest count (llama.cpp's own limit is 2000).</summary>
    public const int MaxRepetitionExpansion = 1000;

    /// <summary>Rules llama.cpp generates for the whole grammar: named rules, groups and unrolled repetitions.</summary>
    public const int MaxExpandedRules = 32 * 1024;

    /// <summary>Grammar elements (characters, class members, rule references) once every repetition is unrolled.</summary>
    public const int MaxExpandedElements = 256 * 1024;

    /// <summary>Throws a <see cref="GrammarException"/> naming the first bound the grammar exceeds.</summary>
    public static void Check(string gbnf)
    {
        if (gbnf.Length > MaxLength)
        {
            throw new GrammarException($"The grammar is {gbnf.Length} characters long; at most {MaxLength} are allowed.");
        }
        new GbnfMeasure(gbnf).Run();
    }
}
