using Gateway.Embeddings;

namespace Gateway.Routing;

/// <summary>
/// Appends a few features of a prompt's shape to another encoder's embedding: its length, how many numbers it
/// holds, how many lines, whether it looks like code. Semantic embeddings say what a prompt is about; these say
/// how big the problem is, which is what separates a word problem a small model solves from one it does not.
/// The inner embedding is kept as it is (L2-normalised); the shape part is a set of one-hot buckets scaled by
/// <see cref="Weight"/>, so the result has a fixed norm. Costs a single pass over the prompt.
/// </summary>
internal sealed class ShapeFeatureEncoder(IPromptEncoder inner) : IPromptEncoder
{
    public const string IdSuffix = "+shape-v1";

    /// <summary>Value of an active bucket.</summary>
    public const float Weight = 0.5f;

    // Length in characters: <64, <128, … <4096, ≥4096.
    private const int LengthBuckets = 8;

    // Numbers (runs of digits): 0, 1–2, 3–4, 5–7, 8+.
    private static readonly int[] NumberBounds = [1, 3, 5, 8];

    // Lines: 1, 2–5, 6+.
    private static readonly int[] LineBounds = [2, 6];

    // Code-like symbols ({ } ; = ( ) [ ] < >): fewer than 1 in 100 characters, 1–4 %, above.
    private const int CodeBuckets = 3;

    // Continuous: log length, numbers, lines and sentences (centred near typical prompts, about unit range);
    // then signs of harder arithmetic: decimals, percentages, fractions and ratios, money, long numbers, repeated
    // numbers, clauses.
    private const int Continuous = 11;

    public const int ShapeDimension = LengthBuckets + 5 + 3 + CodeBuckets + Continuous;

    private static readonly string[] Ratios = [" half", "twice", "double", "triple", " third", "quarter", " ratio"];

    public IPromptEncoder Inner { get; } = inner;

    public string Id => Inner.Id + IdSuffix;

    public int Dimension => Inner.Dimension + ShapeDimension;

    public float[] Encode(string prompt) => Combine(Inner.Encode(prompt), prompt);

    public IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<string> prompts)
    {
        var inner = Inner.EncodeBatch(prompts);
        var result = new float[prompts.Count][];
        for (var i = 0; i < prompts.Count; i++)
        {
            result[i] = Combine(inner[i], prompts[i]);
        }

        return result;
    }

    /// <summary>The inner encoder's id when <paramref name="id"/> names a shape-augmented encoder; else null.</summary>
    public static string? InnerIdOf(string id) =>
        id.EndsWith(IdSuffix, StringComparison.Ordinal) && id.Length > IdSuffix.Length ? id[..^IdSuffix.Length] : null;

    /// <summary>The shape part alone, written into <paramref name="features"/> (length <see cref="ShapeDimension"/>).</summary>
    internal static void WriteShape(string prompt, Span<float> features)
    {
        features.Clear();
        int numbers = 0, lines = 1, code = 0, sentences = 0, commas = 0, longestNumber = 0, run = 0;
        bool inNumber = false, decimals = false, percent = false, fraction = false, money = false;
        var distinct = new HashSet<int>();
        var value = 0;
        for (var i = 0; i < prompt.Length; i++)
        {
            var c = prompt[i];
            var digit = c is >= '0' and <= '9';
            if (digit)
            {
                if (!inNumber)
                {
                    numbers++;
                    run = 0;
                    value = 0;
                }

                run++;
                value = unchecked((value * 31) + c);
                longestNumber = Math.Max(longestNumber, run);
            }
            else if (inNumber)
            {
                distinct.Add(value);
                decimals |= c == '.' && i + 1 < prompt.Length && char.IsAsciiDigit(prompt[i + 1]);
                fraction |= c == '/' && i + 1 < prompt.Length && char.IsAsciiDigit(prompt[i + 1]);
            }

            inNumber = digit;
            switch (c)
            {
                case '\n':
                    lines++;
                    break;
                case '{' or '}' or ';' or '=' or '(' or ')' or '[' or ']' or '<' or '>':
                    code++;
                    break;
                case '.' or '?' or '!' when i + 1 == prompt.Length || char.IsWhiteSpace(prompt[i + 1]):
                    sentences++;
                    break;
                case ',':
                    commas++;
                    break;
                case '%':
                    percent = true;
                    break;
                case '$' or '€' or '£':
                    money = true;
                    break;
            }
        }

        if (inNumber)
        {
            distinct.Add(value);
        }

        percent |= prompt.Contains("percent", StringComparison.OrdinalIgnoreCase);
        fraction |= Ratios.Any(word => prompt.Contains(word, StringComparison.OrdinalIgnoreCase));

        var offset = 0;
        var length = Math.Max(1, prompt.Length);
        var lengthBucket = Math.Clamp((int)Math.Floor(Math.Log2(length)) - 5, 0, LengthBuckets - 1);
        features[offset + lengthBucket] = Weight;
        offset += LengthBuckets;

        features[offset + Bucket(numbers, NumberBounds)] = Weight;
        offset += NumberBounds.Length + 1;

        features[offset + Bucket(lines, LineBounds)] = Weight;
        offset += LineBounds.Length + 1;

        var codeShare = (double)code / length;
        features[offset + (codeShare < 0.01 ? 0 : codeShare < 0.04 ? 1 : 2)] = Weight;
        offset += CodeBuckets;

        // Buckets let the predictor treat sizes differently; these let it rank prompts within a bucket.
        features[offset] = Weight * (float)((Math.Log2(length) - 9) / 3);
        features[offset + 1] = Weight * (float)((Math.Log2(1 + numbers) - 2) / 2);
        features[offset + 2] = Weight * (float)((Math.Log2(lines) - 1) / 2);
        features[offset + 3] = Weight * (float)((Math.Log2(1 + sentences) - 2) / 2);
        features[offset + 4] = decimals ? Weight : 0;
        features[offset + 5] = percent ? Weight : 0;
        features[offset + 6] = fraction ? Weight : 0;
        features[offset + 7] = money ? Weight : 0;
        features[offset + 8] = Weight * (float)((Math.Log2(1 + longestNumber) - 1.5) / 1.5);
        features[offset + 9] = numbers == 0 ? 0 : Weight * (1f - ((float)distinct.Count / numbers));
        features[offset + 10] = Weight * (float)(Math.Log2(1 + commas) / 3);
    }

    private float[] Combine(float[] embedding, string prompt)
    {
        var result = new float[embedding.Length + ShapeDimension];
        embedding.CopyTo(result, 0);
        WriteShape(prompt, result.AsSpan(embedding.Length));
        return result;
    }

    private static int Bucket(int value, int[] bounds)
    {
        var i = 0;
        while (i < bounds.Length && value >= bounds[i])
        {
            i++;
        }

        return i;
    }
}
