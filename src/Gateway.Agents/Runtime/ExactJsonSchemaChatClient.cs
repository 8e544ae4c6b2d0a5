using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.Runtime;

/// <summary>
/// Sends a JSON-schema response format to an OpenAI-compatible endpoint exactly as written. The
/// Microsoft.Extensions.AI OpenAI adapter otherwise rewrites every schema for OpenAI's strict mode,
/// moving <c>minItems</c>, <c>maxItems</c> and <c>maxLength</c> into descriptions; a grammar-backed
/// server (the gateway's ModelServer) needs those bounds to close a plan within its token budget.
/// </summary>
internal sealed class ExactJsonSchemaChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Rewrite(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Rewrite(options), cancellationToken);

    private static ChatOptions? Rewrite(ChatOptions? options)
    {
        if (options?.ResponseFormat is not ChatResponseFormatJson { Schema: { } schema } json || options.RawRepresentationFactory is not null)
        {
            return options;
        }

        var copy = options.Clone();
        copy.RawRepresentationFactory = _ => new OpenAI.Chat.ChatCompletionOptions
        {
            ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "response", BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(schema)), json.SchemaDescription, jsonSchemaIsStrict: null),
        };
        return copy;
    }
}

internal static class ExactJsonSchemaChatClientBuilderExtensions
{
    /// <summary>Adds <see cref="ExactJsonSchemaChatClient"/> to the pipeline.</summary>
    public static ChatClientBuilder UseExactJsonSchema(this ChatClientBuilder builder) =>
        builder.Use(inner => new ExactJsonSchemaChatClient(inner));
}
