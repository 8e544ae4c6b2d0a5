using System.Text.Json.Nodes;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;

namespace Gateway.Craft.Verification;

/// <summary>The outcome of checking code against an expected answer.</summary>
public sealed record Verification(bool Passed, SandboxResult Result, string Reason)
{
    /// <summary>Why it failed, as a short machine-readable kind: a sandbox error kind or <c>wrong_answer</c>.</summary>
    public string Kind => Result.Error is { } error ? ToSnakeCase(error.ToString()) : Passed ? "ok" : "wrong_answer";

    private static string ToSnakeCase(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>Runs solutions and tools in the sandbox and compares what they return with the expected answer.</summary>
public sealed class ToolVerifier(JsSandbox sandbox)
{
    /// <summary>The sandbox every verification runs in.</summary>
    public JsSandbox Sandbox => sandbox;

    /// <summary>Runs a program defining <c>solve()</c> and checks its value.</summary>
    public async Task<Verification> VerifySolutionAsync(string code, JsonNode? expected, CancellationToken cancellationToken = default) =>
        Judge(await sandbox.RunProgramAsync(code, null, cancellationToken), expected);

    /// <summary>Calls the tool with <paramref name="arguments"/> and checks its value against <paramref name="expected"/>.</summary>
    public async Task<Verification> VerifyToolAsync(CraftTool tool, JsonObject arguments, JsonNode? expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        return Judge(await sandbox.RunToolAsync(tool.Code, tool.Name, arguments.ToJsonString(), cancellationToken), expected);
    }

    /// <summary>Checks the tool's own example call.</summary>
    public Task<Verification> VerifyExampleAsync(CraftTool tool, CancellationToken cancellationToken = default) =>
        VerifyToolAsync(tool, tool.Example.Arguments, tool.Example.Result, cancellationToken);

    private static Verification Judge(SandboxResult result, JsonNode? expected)
    {
        if (!result.Succeeded)
        {
            return new Verification(false, result, result.ToString());
        }

        var actual = result.Value;
        return AnswerMatcher.Matches(actual, expected)
            ? new Verification(true, result, "returned the expected answer")
            : new Verification(false, result, $"returned {Clip(AnswerMatcher.Display(actual))}, expected {Clip(AnswerMatcher.Display(expected))}");
    }

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
