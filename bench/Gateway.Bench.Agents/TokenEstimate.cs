using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gateway.Bench.Agents;

/// <summary>
/// A deterministic token count, the same for both agents: one token per 4 characters (rounded up)
/// of every message's text, tool call and tool result, plus 4 tokens per message, plus the JSON of
/// the tool declarations and of the response schema when a request carries them (as OpenAI bills them).
/// </summary>
internal static class TokenEstimate
{
    public static long Text(string text) => (text.Length + 3) / 4;

    public static long Prompt(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        long tokens = 0;
        foreach (var message in messages)
        {
            tokens += 4;
            foreach (var content in message.Contents)
            {
                tokens += content switch
                {
                    TextContent t => Text(t.Text),
                    FunctionCallContent c => Text(c.Name + JsonSerializer.Serialize(c.Arguments)),
                    FunctionResultContent r => Text(r.Result?.ToString() ?? ""),
                    _ => 0,
                };
            }
        }

        foreach (var tool in options?.Tools ?? [])
        {
            tokens += tool is AIFunctionDeclaration f ? Text(f.Name + f.Description + f.JsonSchema.GetRawText()) : 0;
        }

        if (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema })
        {
            tokens += Text(schema.GetRawText());
        }

        return tokens;
    }

    public static long Completion(ChatResponse response) => response.Messages.SelectMany(m => m.Contents).Sum(content => content switch
    {
        TextContent t => Text(t.Text),
        FunctionCallContent c => Text(c.Name + JsonSerializer.Serialize(c.Arguments)),
        _ => 0L,
    });
}
