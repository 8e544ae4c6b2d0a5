using global::Anthropic;
using global::Anthropic.Models.Messages;
using Gateway.IntegrationTests.Agents;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary><c>/v1/messages</c> with the official Anthropic SDK against an agent whose role models are scripted upstreams.</summary>
public sealed class MessagesAgentTests(AgentGatewayFixture fixture) : IClassFixture<AgentGatewayFixture>
{
    [Fact]
    public async Task Create_Agent_AnswersWithTheAgentsResultAndUsage()
    {
        var client = new AnthropicClient
        {
            BaseUrl = fixture.Gateway.BaseAddress.ToString().TrimEnd('/'),
            ApiKey = AgentGatewayFixture.AdminKey,
            MaxRetries = 0,
            Timeout = TimeSpan.FromMinutes(3),
        };

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = "agent:rewoo-scripted",
            MaxTokens = 512,
            Messages = [new UserMessageParam { Content = "What is 20 + 22?" }],
        });

        Assert.True(Assert.Single(message.Content).TryPickText(out var text));
        // The scripted plan adds 20 and 22 with the calculator tool; the solver quotes its evidence.
        Assert.Contains("Evidence: 42", text.Text, StringComparison.Ordinal);
        Assert.Equal("agent:rewoo-scripted", message.Model.Raw());
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        Assert.True(message.Usage.InputTokens >= 200);
    }
}
