using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Gateway.Bench.SemCache;
using Gateway.Embeddings;
using Gateway.State.Cache;

// Usage: Gateway.Bench.SemCache WORDNET_DIR [PER_FAMILY=1500] [ENTRIES=100000] [LOOKUPS=2000]
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Gateway.Bench.SemCache WORDNET_DIR [PER_FAMILY] [ENTRIES] [LOOKUPS]");
    return 2;
}

var perFamily = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1500;
var entries = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
var lookups = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2000;
var random = new Random(26);
var all = WordNetQuestions.Load(args[0], seed: 26);
var concepts = all.GroupBy(c => c.Family).SelectMany(g => g.OrderBy(_ => random.Next()).Take(perFamily)).ToList();
Console.WriteLine($"concepts: {concepts.Count} ({string.Join(", ", concepts.GroupBy(c => c.Family).Select(g => $"{g.Key} {g.Count()}"))}) from {all.Count}");

// The model itself, without the gateway's prompt cache in front: batches encode faster, and latency is measured uncached.
using var encoder = new MiniLmPromptEncoder();
var texts = concepts.SelectMany(c => new[] { c.Stored, c.Paraphrase, c.Sibling }).Distinct().ToList();
var clock = Stopwatch.StartNew();
var vectors = texts.Zip(encoder.EncodeBatch(texts)).ToDictionary(p => p.First, p => p.Second);
Console.WriteLine($"encoded {texts.Count} questions in {clock.Elapsed.TotalSeconds:0.0} s");

var (france, germany) = (encoder.Encode("What is the capital of France?"), encoder.Encode("What is the capital of Germany?"));
var paris = encoder.Encode("Which city is the capital of France?");
Console.WriteLine($"similarity: France/Germany capital {TensorPrimitives.Dot(france, germany):0.000}, France capital paraphrase {TensorPrimitives.Dot(france, paris):0.000}");

// Half the concepts (by a hash of their id) choose the threshold; the other half is reported once at it.
var validation = concepts.Where(c => Stable(c.Id) % 2 == 0).ToList();
var heldOut = concepts.Except(validation).ToList();
var thresholds = Enumerable.Range(70, 30).Select(t => t / 100f).ToArray();
var validationScores = Score(validation, vectors, thresholds);
Console.WriteLine($"\nvalidation ({validation.Count} concepts, {validation.Count * 2} queries)");
Print(validationScores, t => t is 0.80f or 0.85f or 0.88f or 0.90f or 0.92f or 0.93f or 0.94f or 0.95f or 0.96f or 0.97f or 0.98f);

// The lowest threshold whose served answers are at most 1 % wrong on the validation half.
var chosen = validationScores.Where(s => s.WrongShareOfServed <= 0.01).Select(s => s.Threshold).DefaultIfEmpty(0.99f).Min();
Console.WriteLine($"\nchosen threshold (lowest with <= 1 % of served answers wrong on validation): {chosen:0.00}");
Examples.Threshold = chosen;
Examples.Count = 8;
var heldOutScores = Score(heldOut, vectors, thresholds);
Console.WriteLine($"\nheld out ({heldOut.Count} concepts, {heldOut.Count * 2} queries)");
Print(heldOutScores, t => Math.Abs(t - chosen) < 0.001 || t is 0.85f or 0.90f or 0.98f);

Console.WriteLine($"\nheld out: the most similar wrong answers served at {chosen:0.00}");
Examples.Found.ForEach(e => Console.WriteLine("  " + e));
Console.WriteLine($"\nload average: {File.ReadAllText("/proc/loadavg").Trim()} on {Environment.ProcessorCount} cores");
Latency.Run(entries, lookups, encoder, texts.OrderBy(_ => random.Next()).Take(200).Select(t => t + " Please answer briefly.").ToList());
return 0;

static uint Stable(string s)
{
    var hash = 2166136261u;
    foreach (var c in s)
    {
        hash = (hash ^ c) * 16777619u;
    }

    return hash;
}

// Every concept's stored question in one partition; each paraphrase should find its own concept, each sibling
// question the sibling's entry when the sibling is stored, and nothing otherwise.
static List<Scores> Score(List<Concept> concepts, Dictionary<string, float[]> vectors, float[] thresholds)
{
    var partition = new VectorPartition<string>(384);
    var stored = new HashSet<string>(StringComparer.Ordinal);
    foreach (var c in concepts)
    {
        partition.Add(vectors[c.Stored], c.Id, long.MaxValue);
        stored.Add(c.Id);
    }

    var results = new List<(bool Paraphrase, string? Expected, string Found, float Similarity, string Query)>();
    var codes = new sbyte[384];
    foreach (var c in concepts)
    {
        foreach (var (text, paraphrase, expected) in new[] { (c.Paraphrase, true, c.Id), (c.Sibling, false, stored.Contains(c.SiblingId) ? c.SiblingId : null) })
        {
            var scale = QuantizedVector.Quantize(vectors[text], codes);
            var (slot, similarity) = partition.Nearest(codes, scale, 0);
            results.Add((paraphrase, expected, partition[slot], similarity, text));
        }
    }

    var storedText = concepts.ToDictionary(c => c.Id, c => c.Stored);
    foreach (var wrong in results.Where(r => r.Similarity >= Examples.Threshold && r.Found != r.Expected).OrderByDescending(r => r.Similarity).Take(Examples.Count))
    {
        Examples.Found.Add($"{wrong.Similarity:0.000}  \"{wrong.Query}\" served the answer to \"{storedText[wrong.Found]}\"");
    }

    return thresholds.Select(t =>
    {
        var served = results.Where(r => r.Similarity >= t).ToList();
        var wrong = served.Count(r => r.Found != r.Expected);
        var paraphrases = results.Count(r => r.Paraphrase);
        var hits = served.Count(r => r.Paraphrase && r.Found == r.Expected);
        var siblingQueries = results.Count(r => !r.Paraphrase && r.Expected is null);
        var siblingHits = served.Count(r => !r.Paraphrase && r.Expected is null);
        return new Scores(t, (double)hits / paraphrases, (double)wrong / results.Count, served.Count == 0 ? 0 : (double)wrong / served.Count,
            siblingQueries == 0 ? 0 : (double)siblingHits / siblingQueries);
    }).ToList();
}

static void Print(List<Scores> scores, Func<float, bool> show)
{
    Console.WriteLine("| threshold | paraphrase hit rate | wrong answers / queries | wrong / served | unstored-sibling queries served |");
    Console.WriteLine("|---:|---:|---:|---:|---:|");
    foreach (var s in scores.Where(s => show(s.Threshold)))
    {
        Console.WriteLine($"| {s.Threshold:0.00} | {s.HitRate:P1} | {s.WrongRate:P2} | {s.WrongShareOfServed:P2} | {s.SiblingServed:P2} |");
    }
}

internal static class Examples
{
    public static float Threshold { get; set; } = 2f;

    public static int Count { get; set; }

    public static List<string> Found { get; } = [];
}

internal sealed record Scores(float Threshold, double HitRate, double WrongRate, double WrongShareOfServed, double SiblingServed);
