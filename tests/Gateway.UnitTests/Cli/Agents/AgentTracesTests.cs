using System.Text.Json.Nodes;
using Gateway.Cli.Agents.Traces;
using Gateway.Routing.Aptitude;
using Gateway.TestUtilities;

namespace Gateway.UnitTests.Cli.Agents;

/// <summary>
/// Trace export: the shipped agents (appsettings.json), their real tools and prompts, role models played by the
/// reference-plan oracle; and the contract that makes traces training data: replaying a trace's completions through
/// the real agent sends exactly the recorded prompts and gives the item's answer.
/// </summary>
public sealed class AgentTracesTests : IDisposable
{
    private readonly TraceExporter _exporter = TraceExporter.Create([], Repository.PathOf("."));

    public void Dispose() => _exporter.Dispose();

    private static IEnumerable<AptitudeItem> Items(int seed, int perFamily) =>
        AptitudeSuite.Create(seed, perFamily).Where(t => t.Category == "tools").SelectMany(t => t.Items);

    [Theory]
    [InlineData("rewoo", new[] { "planner", "solver" })]
    [InlineData("umi", new[] { "planner", "caller", "summarizer" })]
    [InlineData("react", new[] { "actor" })]
    public async Task Export_EveryToolFamily_RunsRightAndReplayingTheCompletionsSendsTheSamePromptsAndAnswersRight(string agent, string[] roles)
    {
        foreach (var item in Items(seed: 9, perFamily: 2))
        {
            var exported = await _exporter.RunAsync(agent, item, CancellationToken.None);
            Assert.True(exported.Correct, $"{agent} {item.Id}: answered '{exported.Answer}', expected {item.Expected}; {exported.Trace.Error}");
            Assert.Subset(roles.ToHashSet(), exported.Lines.Select(l => l.Role).ToHashSet());
            // One tool call per plan step, whatever the kind.
            Assert.Equal(item.Plan!.Count, exported.Trace.Steps.Count);

            // Replay: the client answers with the recorded completions, in order, and checks each prompt it is sent.
            var recorded = new Queue<TraceLine>(exported.Lines);
            _exporter.Handler.Respond = (role, request) =>
            {
                var line = recorded.Dequeue();
                Assert.Equal(line.Role, role);
                Assert.Equal(line.Request["messages"]!.ToJsonString(), request["messages"]!.ToJsonString());
                Assert.Equal(line.Request["tools"]?.ToJsonString(), request["tools"]?.ToJsonString());
                Assert.Equal(line.Request["response_format"]?.ToJsonString(), request["response_format"]?.ToJsonString());
                return line.Completion;
            };
            var replayed = await _exporter.RecordAsync(agent, item, CancellationToken.None);

            Assert.Empty(recorded);
            Assert.True(replayed.Correct, $"{agent} {item.Id} replayed: '{replayed.Answer}'");
        }
    }

    [Fact]
    public async Task Export_Line_HasTheDocumentedFieldsAndCompactPrompts()
    {
        var item = Items(seed: 4, perFamily: 1).First(i => i.Task == "hop2_gcd_prime");

        var rewoo = await _exporter.RunAsync("rewoo", item, CancellationToken.None);
        var umi = await _exporter.RunAsync("umi", item, CancellationToken.None);

        var planner = rewoo.Lines[0].ToJson();
        Assert.Equal(["agent", "kind", "role", "family", "item", "messages", "tools", "tool_choice", "response_format", "completion"], planner.Select(p => p.Key));
        Assert.Equal(("rewoo", "planner", "hop2_gcd_prime"), ((string)planner["agent"]!, (string)planner["role"]!, (string)planner["family"]!));
        Assert.Equal("json_schema", (string)planner["response_format"]!["type"]!);
        Assert.Null(planner["tools"]);
        var plan = item.Plan!;
        Assert.Equal($$"""{"steps":[{"tool":"gcd","input":"{{plan[0].Input}}"},{"tool":"is_prime","input":"#E1"}]}""", (string)planner["completion"]!["content"]!);
        var system = (string)planner["messages"]![0]!["content"]!;
        Assert.True(system.Length < 400, system);
        Assert.DoesNotContain("example", system, StringComparison.OrdinalIgnoreCase);

        var caller = umi.Lines.Select(l => l.ToJson()).First(l => (string)l["role"]! == "caller");
        Assert.Equal("required", (string)caller["tool_choice"]!);
        Assert.NotEmpty(caller["tools"]!.AsArray());
        var call = caller["completion"]!["tool_calls"]![0]!["function"]!;
        Assert.Equal("gcd", (string)call["name"]!);
        Assert.Equal(JsonNode.Parse($$"""{"a":{{plan[0].Arguments[0].Value}},"b":{{plan[0].Arguments[1].Value}}}""")!.ToJsonString(), JsonNode.Parse((string)call["arguments"]!)!.ToJsonString());
        Assert.Equal("Answer: " + item.Expected, (string)umi.Lines[^1].ToJson()["completion"]!["content"]!);
    }
}
