using Gateway.Craft.Agent;
using Gateway.Craft.Sandbox;
using Gateway.Embeddings;
using Gateway.TestUtilities.Craft;
using Microsoft.Extensions.AI;

namespace Gateway.UnitTests.Craft;

/// <summary>The CRAFT agent over the shipped toolsets, with a scripted model, the real sandbox and MiniLM.</summary>
public sealed class CraftAgentTests : IDisposable
{
    private const string Problem = "Encode the message 'attack at dawn' by shifting each letter 13 places.";
    private const string Guess = """{"names": ["caesar_cipher", "rot13"], "docstring": "Shifts each letter of a text by n places in the alphabet."}""";

    private readonly JsSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Run_ModelCallsTheRetrievedTool_AnswersWithTrace()
    {
        var chat = Scripted("```javascript\nfunction solve() { return caesar_shift({ text: 'attack at dawn', shift: 13 }); }\n```");

        var answer = await Agent().RunAsync(Problem, chat);

        Assert.True(answer.Succeeded, answer.Trace.Result?.ToString());
        Assert.Equal("nggnpx ng qnja", answer.Answer);
        Assert.Contains("caesar_shift", answer.Trace.RetrievedTools);
        Assert.Contains("caesar_shift({ text", answer.Trace.Code, StringComparison.Ordinal);
        Assert.Equal("\"nggnpx ng qnja\"", answer.Trace.Result!.Json);
        var prompt = ScriptedChatClient.LastUser(chat.Calls[1].Messages);
        Assert.Contains("// caesar_shift({ text, shift }):", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("String.fromCharCode", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FirstCodeFails_ModelSeesTheErrorAndTheSecondTryAnswers()
    {
        var chat = Scripted(
            "```javascript\nfunction solve() { return caesar({ text: 'attack at dawn', shift: 13 }); }\n```",
            "```javascript\nfunction solve() { return caesar_shift({ text: 'attack at dawn', shift: 13 }); }\n```");

        var answer = await Agent().RunAsync(Problem, chat);

        Assert.True(answer.Succeeded);
        Assert.Equal(2, answer.Trace.Attempts.Count);
        Assert.Equal(SandboxErrorKind.ScriptError, answer.Trace.Attempts[0].Result!.Error);
        var retry = ScriptedChatClient.LastUser(chat.Calls[2].Messages);
        Assert.Contains("caesar is not defined", retry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EveryTryFails_NoAnswerAndEveryErrorInTheTrace()
    {
        var chat = Scripted("I do not know.", "```javascript\nfunction solve() { while (true) {} }\n```");

        using var sandbox = new JsSandbox(new SandboxOptions { MaxStatements = 10_000, Timeout = TimeSpan.FromSeconds(20) });

        var answer = await new CraftAgent(CraftFixtures.ShippedStore, sandbox, PromptEncoders.Default).RunAsync(Problem, chat);

        Assert.False(answer.Succeeded);
        Assert.Null(answer.Answer);
        Assert.Equal("the reply holds no JavaScript code", answer.Trace.Attempts[0].Error);
        Assert.Equal(SandboxErrorKind.Statements, answer.Trace.Attempts[1].Result!.Error);
    }

    [Fact]
    public async Task Run_ToolsetsOption_RetrievesOnlyFromThoseToolsets()
    {
        var chat = Scripted("```javascript\nfunction solve() { return 1; }\n```");

        var answer = await Agent().RunAsync(Problem, chat, new CraftAgentOptions { Toolsets = ["math"] });

        Assert.All(answer.Trace.Retrieval.Candidates, c => Assert.Equal("math", c.Toolset));
    }

    private CraftAgent Agent() => new(CraftFixtures.ShippedStore, _sandbox, PromptEncoders.Default);

    /// <summary>Answers the guess prompt with <see cref="Guess"/>, then each code prompt with the next reply.</summary>
    private static ScriptedChatClient Scripted(params string[] codeReplies)
    {
        var next = 0;
        return new ScriptedChatClient
        {
            Reply = messages => messages.Count == 1 && messages[0].Role == ChatRole.User ? Guess : codeReplies[Math.Min(next++, codeReplies.Length - 1)],
        };
    }
}
