using System.Text.Json.Nodes;
using Gateway.Craft.Creation;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Verification;
using Gateway.Embeddings;
using Gateway.TestUtilities.Craft;
using Microsoft.Extensions.AI;

namespace Gateway.UnitTests.Craft;

/// <summary>The creation pipeline with a scripted model, the real sandbox and real MiniLM embeddings.</summary>
public sealed class ToolCreatorTests : IDisposable
{
    private const string VowelDoc = "Counts the vowels (a, e, i, o, u) in a text and returns the count.";
    private const string CountVowels = "function count_vowels({ text }) { return (text.match(/[aeiou]/gi) || []).length; }";

    private readonly JsSandbox _sandbox = new(new SandboxOptions { Timeout = TimeSpan.FromSeconds(20), MaxStatements = 100_000 });

    // Problem text → (solution reply, abstraction reply).
    private static readonly Dictionary<string, (string Solution, string Abstraction)> Script = new()
    {
        ["How many vowels are in 'banana'?"] = (Js("function solve() { return 3; }"), Tool("count_vowels", VowelDoc, CountVowels, """{"text":"banana"}""")),
        // Same name, but it only knows its own answer: the general one above is kept.
        ["How many vowels are in 'education'?"] = (Js("function solve() { return 'education'.match(/[aeiou]/g).length; }"),
            Tool("count_vowels", VowelDoc, "function count_vowels({ text }) { return 5; }", """{"text":"education"}""")),
        // Another name, the same docstring: merged by embedding.
        ["How many vowels does 'queue' have?"] = (Js("function solve() { return 4; }"),
            Tool("vowel_count", VowelDoc, "function vowel_count({ text }) { return 4; }", """{"text":"queue"}""")),
        ["What is 17 times 23?"] = (Js("function solve() { return 17 + 23; }"), ""),
        ["What is the sum of the integers from 1 to 100?"] = (Js("function solve() { return undefinedHelper(100); }"), ""),
        ["How many steps until the loop ends?"] = (Js("function solve() { while (true) {} }"), ""),
        ["Reverse the string 'abc'."] = (Js("function solve() { return 'abc'.split('').reverse().join(''); }"),
            Tool("reverse_string", "Reverses a string.", "function reverse_string({ text }) { return text; }", """{"text":"abc"}""")),
        ["Is 7 a prime number?"] = (Js("function solve() { return true; }"), "Sure! The tool is called is_prime and checks primes."),
        ["What is the capital of France?"] = ("I am not sure how to write code for that.", ""),
        ["How many days are in a leap year?"] = ("MODEL DOWN", ""),
    };

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Create_ScriptedModel_KeepsVerifiedToolsAndReportsEveryRejectWithItsReason()
    {
        var chat = new ScriptedChatClient { Reply = Answer };
        var creator = new ToolCreator(chat, new ToolVerifier(_sandbox), PromptEncoders.Default);

        var result = await creator.CreateAsync("vowels", Problems(), new ToolCreationOptions { SampleSize = 20, Seed = 3, Model = "m" });

        var report = result.Report;
        Assert.Equal((10, 10, 8, 5, 3, 1), (report.Problems, report.Sampled, report.Generated, report.Verified, report.Abstracted, report.Kept));
        var kept = Assert.Single(result.Toolset.Tools);
        Assert.Equal("count_vowels", kept.Name);
        Assert.Equal(CountVowels, kept.Code);
        Assert.Equal("p-banana", kept.SourceId);
        Assert.Equal("How many vowels are in 'banana'?", kept.SourceProblem);
        Assert.Equal(3, kept.Example.Result!.GetValue<int>());
        Assert.Equal(["count_vowels"], report.Tools);

        Reject(report, "p-multiply", CreationStage.Verification, "wrong_answer", "returned 40, expected 391");
        Reject(report, "p-sum", CreationStage.Verification, "script_error", "undefinedHelper");
        Reject(report, "p-loop", CreationStage.Verification, "statements", "statements");
        Reject(report, "p-reverse", CreationStage.Reverification, "wrong_answer", "returned abc, expected cba");
        Reject(report, "p-prime", CreationStage.Abstraction, "bad_abstraction", "no JSON object");
        Reject(report, "p-capital", CreationStage.Solution, "no_code", "no JavaScript");
        Reject(report, "p-leap", CreationStage.Solution, "llm_error", "MODEL DOWN");
        Reject(report, "p-education", CreationStage.Deduplication, "duplicate", "same name as 'count_vowels'");
        Reject(report, "p-queue", CreationStage.Deduplication, "duplicate", "nearly identical to 'count_vowels'");
        Assert.Equal(9, report.Rejects.Count);
        Assert.All(chat.Calls, c => Assert.Equal("m", c.Options!.ModelId));
    }

    [Fact]
    public async Task Create_AbstractionReverified_ToolThatCrashesOnItsOwnCallIsRejected()
    {
        var chat = new ScriptedChatClient
        {
            Reply = m => ScriptedChatClient.LastUser(m).Contains("reusable tool", StringComparison.Ordinal)
                ? Tool("double_it", "Doubles a number.", "function double_it({ n }) { return n.missing.field; }", """{"n":21}""")
                : Js("function solve() { return 42; }"),
        };
        var creator = new ToolCreator(chat, new ToolVerifier(_sandbox), PromptEncoders.Default);

        var result = await creator.CreateAsync("numbers", [new CreationProblem("p1", "What is twice 21?", JsonValue.Create(42))], new ToolCreationOptions());

        Assert.Empty(result.Toolset.Tools);
        var reject = Assert.Single(result.Report.Rejects);
        Assert.Equal((CreationStage.Reverification, "script_error", "double_it"), (reject.Stage, reject.Kind, reject.Tool));
        Assert.Contains("TypeError", reject.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SampleSmallerThanData_PicksDiverseProblems()
    {
        var chat = new ScriptedChatClient { Reply = _ => "no code" };
        var creator = new ToolCreator(chat, new ToolVerifier(_sandbox), PromptEncoders.Default);
        CreationProblem[] problems =
        [
            new("v1", "How many vowels are in 'banana'?", 3),
            new("v2", "How many vowels are in 'apple'?", 2),
            new("v3", "How many vowels are in 'orange'?", 3),
            new("m1", "What is the greatest common divisor of 12 and 18?", 6),
            new("d1", "What day of the week was 1 January 2000?", "Saturday"),
        ];

        var result = await creator.CreateAsync("mixed", problems, new ToolCreationOptions { SampleSize = 3, Seed = 1 });

        var sampled = result.Report.Rejects.Select(r => r.ProblemId).ToList();
        Assert.Equal(3, sampled.Count);
        Assert.Contains("m1", sampled);
        Assert.Contains("d1", sampled);
        Assert.Single(sampled, id => id.StartsWith('v'));
    }

    [Fact]
    public void ReadJsonLines_BadLine_FailsWithItsNumber()
    {
        var path = Path.GetTempFileName();
        File.WriteAllLines(path, ["""{"id":"a","problem":"1+1?","answer":2}""", "", """{"id":"b","answer":3}"""]);

        var error = Assert.Throws<FormatException>(() => CreationProblem.ReadJsonLines(path));

        Assert.Contains(":3:", error.Message, StringComparison.Ordinal);
        File.Delete(path);
    }

    private static void Reject(CreationReport report, string id, string stage, string kind, string reasonPart)
    {
        var reject = report.Rejects.SingleOrDefault(r => r.ProblemId == id);
        Assert.True(reject is not null, $"no reject for {id}");
        Assert.Equal((stage, kind), (reject.Stage, reject.Kind));
        Assert.Contains(reasonPart, reject.Reason, StringComparison.OrdinalIgnoreCase);
    }

    private static string Answer(IReadOnlyList<ChatMessage> messages)
    {
        var user = ScriptedChatClient.LastUser(messages);
        var problem = Script.Keys.Single(p => user.Contains(p, StringComparison.Ordinal));
        var (solution, abstraction) = Script[problem];
        var reply = user.Contains("reusable tool", StringComparison.Ordinal) ? abstraction : solution;
        return reply == "MODEL DOWN" ? throw new HttpRequestException("MODEL DOWN") : reply;
    }

    private static List<CreationProblem> Problems() =>
    [
        new("p-banana", "How many vowels are in 'banana'?", 3),
        new("p-education", "How many vowels are in 'education'?", 5),
        new("p-queue", "How many vowels does 'queue' have?", 4),
        new("p-multiply", "What is 17 times 23?", 391),
        new("p-sum", "What is the sum of the integers from 1 to 100?", 5050),
        new("p-loop", "How many steps until the loop ends?", 1),
        new("p-reverse", "Reverse the string 'abc'.", "cba"),
        new("p-prime", "Is 7 a prime number?", true),
        new("p-capital", "What is the capital of France?", "Paris"),
        new("p-leap", "How many days are in a leap year?", 366),
    ];

    private static string Js(string code) => $"Here is the solution:\n```javascript\n{code}\n```\n";

    private static string Tool(string name, string docstring, string code, string call) =>
        $"```json\n{new JsonObject { ["name"] = name, ["docstring"] = docstring, ["code"] = code, ["call"] = JsonNode.Parse(call) }.ToJsonString()}\n```";
}
