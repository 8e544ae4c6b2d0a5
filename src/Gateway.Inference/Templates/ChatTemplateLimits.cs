namespace Gateway.Inference.Templates;

/// <summary>
/// Bounds on one render. A model's template is trusted by the operator, but the conversation it renders is the
/// caller's: these keep a hostile conversation (or a template that loops on it) from exhausting the process.
/// </summary>
internal sealed record ChatTemplateLimits
{
    /// <summary>Default limits: 16 M characters of prompt, 1 M loop iterations, 64 nested macro calls.</summary>
    public static readonly ChatTemplateLimits Default = new();

    /// <summary>The longest prompt a render may produce, in UTF-16 characters. Default 16 777 216.</summary>
    public int MaxOutputChars { get; init; } = 16 * 1024 * 1024;

    /// <summary>Loop iterations (and <c>range()</c> items) one render may run in all. Default 1 000 000.</summary>
    public long MaxIterations { get; init; } = 1_000_000;

    /// <summary>How deep macro and call-block calls may nest (recursive macros). Default 64.</summary>
    public int MaxCallDepth { get; init; } = 64;
}
