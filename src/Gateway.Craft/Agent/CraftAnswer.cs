using System.Text.Json.Nodes;
using Gateway.Craft.Retrieval;
using Gateway.Craft.Sandbox;

namespace Gateway.Craft.Agent;

/// <summary>One try of the agent: the model's reply, the code taken from it, and what the sandbox made of it.</summary>
public sealed record CraftAttempt(string Reply, string? Code, SandboxResult? Result)
{
    /// <summary>Why the try failed; null when it succeeded.</summary>
    public string? Error => Code is null ? "the reply holds no JavaScript code" : Result is { Succeeded: false } failed ? failed.ToString() : null;
}

/// <summary>What the agent did: what retrieval found and every try.</summary>
public sealed record CraftTrace(RetrievalResult Retrieval, IReadOnlyList<CraftAttempt> Attempts)
{
    /// <summary>Names of the tools put in the prompt.</summary>
    public IReadOnlyList<string> RetrievedTools => Retrieval.Selected.Select(t => t.Tool.Name).ToList();

    /// <summary>The code of the last try.</summary>
    public string? Code => (Attempts.Count > 0 ? Attempts[^1].Code : null);

    /// <summary>The sandbox result of the last try.</summary>
    public SandboxResult? Result => (Attempts.Count > 0 ? Attempts[^1].Result : null);
}

/// <summary>The agent's answer (the value <c>solve()</c> returned) and its trace.</summary>
public sealed record CraftAnswer(bool Succeeded, string? Answer, JsonNode? Value, CraftTrace Trace);
