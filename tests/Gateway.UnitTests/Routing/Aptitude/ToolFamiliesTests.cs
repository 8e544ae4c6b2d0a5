using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Agents.Tools;
using Gateway.Agents.Tools.BuiltIn;
using Gateway.Craft.Sandbox;
using Gateway.Craft.SemanticKernel;
using Gateway.Routing.Aptitude;
using Gateway.Routing.Aptitude.Tools;
using Gateway.UnitTests.Craft;
using Microsoft.SemanticKernel;

namespace Gateway.UnitTests.Routing.Aptitude;

/// <summary>The multi-hop tool families: fresh numbers and words per seed, reference plans over the shipped tools.</summary>
public sealed partial class ToolFamiliesTests : IDisposable
{
    private readonly JsSandbox _sandbox = new(new SandboxOptions { MaxStatements = 100_000, Timeout = TimeSpan.FromSeconds(20) });

    public void Dispose() => _sandbox.Dispose();

    private static IReadOnlyList<AptitudeTask> ToolTasks(int seed, int items) =>
        [.. AptitudeSuite.Create(seed, items).Where(t => t.Category == "tools")];

    [Fact]
    public void Create_ToolFamilies_TwoToFourDependentStepsEach()
    {
        var tasks = ToolTasks(seed: 3, items: 10);

        Assert.True(tasks.Count >= 8);
        foreach (var task in tasks)
        {
            var hops = int.Parse(task.Name[3..4], System.Globalization.CultureInfo.InvariantCulture);
            Assert.All(task.Items, item =>
            {
                Assert.Equal(hops, item.Plan!.Count);
                // Every step but the last feeds a later one: the steps form one chain, not separate questions.
                for (var k = 1; k < hops; k++)
                {
                    Assert.Contains(item.Plan.Skip(k), s => s.Arguments.Any(a => Regex.IsMatch(a.Value, $@"#E{k}(?!\d)")));
                }
            });
        }

        Assert.Equal([2, 3, 4], tasks.Select(t => t.Items[0].Plan!.Count).Distinct().Order());
        Assert.Contains(tasks, t => t.Items[0].Plan!.All(s => s.Tool is "caesar_shift" or "count_vowels" or "count_words" or "most_common_letter"));
        Assert.Contains(tasks, t => t.Items[0].Plan!.All(s => s.Tool is "calculator" or "gcd" or "lcm" or "is_prime" or "sum_of_digits" or "fibonacci"));
    }

    [Fact]
    public void Create_SameSeed_SameItemsAndPlans_OtherSeed_OtherNumbersAndWords()
    {
        var first = ToolTasks(seed: 11, items: 20).SelectMany(t => t.Items).ToList();
        var again = ToolTasks(seed: 11, items: 20).SelectMany(t => t.Items).ToList();
        var other = ToolTasks(seed: 12, items: 20).SelectMany(t => t.Items).Select(i => i.Prompt).ToHashSet();

        Assert.Equal(first, again);
        Assert.True(first.Count(i => other.Contains(i.Prompt)) < first.Count / 10);
    }

    [Fact]
    public void Create_Words_AreMadeUpAfreshNotDrawnFromAList()
    {
        var words = Enumerable.Range(1, 3).SelectMany(seed => ToolTasks(seed, 20)).SelectMany(t => t.Items)
            .SelectMany(i => Quoted().Matches(i.Prompt).Select(m => m.Groups[1].Value))
            .SelectMany(q => q.Split(' ')).ToList();

        Assert.True(words.Count > 300);
        Assert.DoesNotContain(words, w => Words.Common.Contains(w));
        // Drawn, not picked: almost every word is new, and no word is frequent.
        Assert.True(words.Distinct().Count() > words.Count * 0.8, $"{words.Distinct().Count()} distinct of {words.Count}");
        Assert.True(words.GroupBy(w => w).Max(g => g.Count()) < 8);
    }

    [Fact]
    public async Task Create_EveryPlan_UsesOfferedToolsAndItsAnswerIsWhatTheRealToolsGive()
    {
        var tools = await ShippedToolsAsync();
        var kernel = new Kernel();

        foreach (var item in ToolTasks(seed: 5, items: 6).SelectMany(t => t.Items))
        {
            var results = new List<string>();
            foreach (var step in item.Plan!)
            {
                Assert.True(tools.TryGetValue(step.Tool, out var tool), $"{item.Id}: '{step.Tool}' is not a shipped tool.");
                Assert.Equal(tool.Function.Metadata.Parameters.Select(p => p.Name), step.Arguments.Select(a => a.Name));
                // As a ReWOO step runs: the input text with the earlier results substituted, bound by the tool invoker.
                var outcome = await ToolInvoker.InvokeAsync(kernel, tool, step.Tool, PlanStep.Substitute(step.Input, results), TimeSpan.FromSeconds(20), CancellationToken.None);
                Assert.True(outcome.Succeeded, $"{item.Id} {step.Tool}: {outcome.Output}");
                results.Add(outcome.Output);
            }

            var answer = item.Format == AnswerFormat.YesNo ? (results[^1] == "true" ? "yes" : "no") : results[^1];
            Assert.True(answer == item.Expected, $"{item.Id}: the tools give {answer}, the item expects {item.Expected}");
            Assert.Equal(1, item.Score("Answer: " + answer));
        }
    }

    [Fact]
    public void ShippedToolLogic_ParametersMatchTheShippedToolsets()
    {
        foreach (var toolset in new[] { "math", "text" })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(CraftFixtures.ToolsetsDirectory, toolset), "*.json").Where(f => !f.EndsWith("toolset.json", StringComparison.Ordinal)))
            {
                var tool = JsonNode.Parse(File.ReadAllText(file))!;
                if (ShippedToolLogic.Parameters.TryGetValue(tool["name"]!.GetValue<string>(), out var names))
                {
                    Assert.Equal(tool["parameters"]!["properties"]!.AsObject().Select(p => p.Key), names);
                }
            }
        }
    }

    /// <summary>The tools the gateway's agents get by default: the built-in calculator and the shipped toolsets' functions.</summary>
    private async Task<Dictionary<string, AgentTool>> ShippedToolsAsync()
    {
        var tools = new Dictionary<string, AgentTool>(StringComparer.Ordinal);
        foreach (var function in KernelPluginFactory.CreateFromType<CalculatorPlugin>("calculator"))
        {
            tools[function.Name] = new AgentTool(function.Name, "builtin", function);
        }

        foreach (var name in new[] { "math", "text" })
        {
            foreach (var function in ToolsetPlugin.Create(await CraftFixtures.ShippedAsync(name), _sandbox))
            {
                tools[function.Name] = new AgentTool(function.Name, "toolsets", function);
            }
        }

        return tools;
    }

    [GeneratedRegex("\"([a-z]+(?: [a-z]+)*)\"")]
    private static partial Regex Quoted();
}
