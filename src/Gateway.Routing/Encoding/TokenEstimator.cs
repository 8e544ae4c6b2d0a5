namespace Gateway.Routing;

/// <summary>
/// Estimates a prompt's token count without a model-specific tokenizer: about four characters a token for
/// English text, which is what the context-length check and the price estimate need.
/// </summary>
internal static class TokenEstimator
{
    public const double CharsPerToken = 4.0;

    public static int Estimate(string text) => Math.Max(1, (int)Math.Ceiling(text.Length / CharsPerToken));
}
