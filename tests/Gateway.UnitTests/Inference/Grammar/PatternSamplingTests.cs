using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Inference.Gguf;
using Gateway.Inference.Grammar;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;

namespace Gateway.UnitTests.Inference.Grammar;

/// <summary>
/// Patterns and formats as llama.cpp enforces them: the tiny random model samples freely (temperature 1) under the
/// grammar built from a schema, and what it writes is a JSON string that matches the pattern or parses as the format.
/// Random weights pick characters no model would, which is what tests the grammar rather than the model.
/// </summary>
public sealed class PatternSamplingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pattern-").FullName;
    private readonly LLamaWeights _weights;
    private readonly ModelParams _parameters;

    public PatternSamplingTests()
    {
        var path = Path.Combine(_dir, "tiny.gguf");
        TinyModel.Write(path);
        _parameters = new ModelParams(path) { ContextSize = 512, Threads = 1, BatchThreads = 1 };
        _weights = LLamaWeights.LoadFromFile(_parameters);
    }

    [Theory]
    [InlineData("^[A-Z]{3}-\\d{2,4}$")]
    [InlineData("^(red|green|blue)(/[a-z]+)?$")]
    [InlineData("^\\+?[0-9]{1,3}( [0-9]{3}){2}$")]
    [InlineData("^[^\\s@]+@example\\.(com|org)$")]
    [InlineData("^\"quoted\" \\\\ and [\\x41-\\x43]*$")]
    public void Sample_StringWithPattern_MatchesThePattern(string pattern)
    {
        var schema = JsonSerializer.Serialize(new { type = "string", pattern });

        for (uint seed = 1; seed <= 4; seed++)
        {
            var value = SampleString(schema, seed);

            Assert.Matches(new Regex(pattern), value);
        }
    }

    [Theory]
    [InlineData("date")]
    [InlineData("date-time")]
    [InlineData("time")]
    [InlineData("uuid")]
    [InlineData("email")]
    [InlineData("ipv4")]
    public void Sample_StringWithFormat_ParsesAsTheFormat(string format)
    {
        var schema = JsonSerializer.Serialize(new { type = "string", format });

        for (uint seed = 1; seed <= 4; seed++)
        {
            var value = SampleString(schema, seed);

            Assert.True(format switch
            {
                "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) || LeapOrMonthEnd(value),
                "date-time" => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) || LeapOrMonthEnd(value),
                "time" => Regex.IsMatch(value, "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,3})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"),
                "uuid" => Guid.TryParseExact(value, "D", out _),
                "email" => System.Net.Mail.MailAddress.TryCreate(value, out _),
                "ipv4" => System.Net.IPAddress.TryParse(value, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Split('.').Length == 4,
                _ => false,
            }, $"{format}: '{value}'");
        }
    }

    [Theory]
    [InlineData("""{"type":"integer","minimum":-40,"maximum":260}""", -40.0, 260.0)]
    [InlineData("""{"type":"integer","exclusiveMinimum":7,"exclusiveMaximum":12}""", 8.0, 11.0)]
    [InlineData("""{"type":"number","minimum":-2.5,"maximum":3}""", -2.5, 3.0)]
    public void Sample_BoundedNumber_StaysWithinTheBounds(string schema, double low, double high)
    {
        for (uint seed = 1; seed <= 6; seed++)
        {
            var value = SampleJson(schema, seed).GetDouble();

            Assert.InRange(value, low, high);
        }
    }

    [Fact]
    public void Sample_FullLimits_StringsTakeAnyCharacterAndEscapesYetStayValidJson()
    {
        var seen = new HashSet<char>();
        for (uint seed = 1; seed <= 6; seed++)
        {
            var value = SampleJson("""{"type":"string","maxLength":24}""", seed, JsonGrammarLimits.Full).GetString()!;

            // maxLength counts code points, as the grammar does (an astral character is two UTF-16 units). The random
            // model's byte tokens can also spell broken UTF-8, which decodes to one U+FFFD a byte: not counted.
            var characters = value.EnumerateRunes().Count(r => r != Rune.ReplacementChar);
            Assert.InRange(characters, 0, 24);
            seen.UnionWith(value);
        }

        // The compact grammar's plain characters are letters, digits, spaces and a little punctuation; the full one
        // also writes anything else JSON can hold (the random model picks such characters quickly).
        Assert.Contains(seen, c => !(char.IsAsciiLetterOrDigit(c) || " _.,:;!?#".Contains(c, StringComparison.Ordinal)));
    }

    // The grammar bounds each field (day 01-31) but not a month's length, so 2025-02-30 can appear.
    private static bool LeapOrMonthEnd(string value) => Regex.IsMatch(value, "^[0-9]{4}-(0[1-9]|1[0-2])-(29|30|31)");

    private string SampleString(string schema, uint seed) => SampleJson(schema, seed).GetString()!;

    private JsonElement SampleJson(string schema, uint seed, JsonGrammarLimits? limits = null)
    {
        using var doc = JsonDocument.Parse(schema);
        var gbnf = JsonSchemaGrammar.FromSchema(doc.RootElement, limits ?? JsonGrammarLimits.Compact);
        using var context = _weights.CreateContext(_parameters);
        using var pipeline = new DefaultSamplingPipeline { Seed = seed, Temperature = 1f, Grammar = new LLama.Sampling.Grammar(gbnf, "root") };
        var decoder = new StreamingTokenDecoder(context);
        var prompt = context.Tokenize("write a value", addBos: true);
        var batch = new LLamaBatch();
        var logits = 0;
        for (var i = 0; i < prompt.Length; i++)
        {
            logits = batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Length - 1);
        }

        var text = new StringBuilder();
        for (var position = prompt.Length; position < 400; position++)
        {
            Assert.Equal(DecodeResult.Ok, context.Decode(batch));
            var token = pipeline.Sample(context.NativeHandle, logits);
            if (token.IsEndOfGeneration(_weights.Vocab))
            {
                using var json = JsonDocument.Parse(text.ToString());
                return json.RootElement.Clone();
            }

            decoder.Add(token);
            text.Append(decoder.Read());
            batch.Clear();
            logits = batch.Add(token, position, LLamaSeqId.Zero, true);
        }

        Assert.Fail($"The grammar did not end the value within the token budget: {text}");
        return default;
    }

    public void Dispose()
    {
        _weights.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
