using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Routing.Aptitude.Tools;

/// <summary>One argument of a reference step: its parameter name and value; the value may be, or contain, <c>#Ek</c>.</summary>
internal sealed record PlanArgument(string Name, string Value);

/// <summary>
/// One step of an item's reference plan: a shipped tool and its arguments in declaration order. The k-th step's
/// result is <c>#Ek</c>; later steps refer to it in their argument values.
/// </summary>
internal sealed partial record PlanStep(string Tool, IReadOnlyList<PlanArgument> Arguments)
{
    /// <summary>Steps are equal when their tools and arguments are, in order.</summary>
    public bool Equals(PlanStep? other) => other is not null && Tool == other.Tool && Arguments.SequenceEqual(other.Arguments);

    public override int GetHashCode() => HashCode.Combine(Tool, Arguments.Count);

    /// <summary>The step's input as a ReWOO plan writes it: the argument values in order, comma-separated.</summary>
    public string Input => string.Join(", ", Arguments.Select(a => a.Value));

    /// <summary>The step with every <c>#Ek</c> in its values replaced by that step's result (<paramref name="results"/>[k-1]).</summary>
    public PlanStep Resolve(IReadOnlyList<string> results) =>
        this with { Arguments = [.. Arguments.Select(a => a with { Value = Substitute(a.Value, results) })] };

    public static string Substitute(string value, IReadOnlyList<string> results) =>
        Reference().Replace(value, m => int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture) is var k && k >= 1 && k <= results.Count
            ? results[k - 1]
            : m.Value);

    [GeneratedRegex(@"#E(\d+)(?!\d)")]
    private static partial Regex Reference();
}

/// <summary>Builds reference plans in the family tables.</summary>
internal static class Plan
{
    public static PlanStep Step(string tool, params (string Name, object Value)[] arguments) =>
        new(tool, [.. arguments.Select(a => new PlanArgument(a.Name, Convert.ToString(a.Value, CultureInfo.InvariantCulture)!))]);

    /// <summary>The <c>#Ek</c> reference to the k-th step's result.</summary>
    public static string E(int k) => "#E" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="plan"/> step by step through <paramref name="tool"/>; returns every step's result.</summary>
    public static IReadOnlyList<string> Run(IReadOnlyList<PlanStep> plan, Func<PlanStep, string> tool)
    {
        var results = new List<string>(plan.Count);
        foreach (var step in plan)
        {
            results.Add(tool(step.Resolve(results)));
        }

        return results;
    }
}
