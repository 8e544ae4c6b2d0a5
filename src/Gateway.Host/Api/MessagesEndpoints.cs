using System.Text.Json;
using Gateway.Errors;
using Gateway.Host.Agents;
using Gateway.Host.Anthropic;
using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.ServerSentEvents;
using Gateway.Usage;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Api;

/// <summary>
/// <c>POST /v1/messages</c> and <c>POST /v1/messages/count_tokens</c>, Anthropic's Messages API, for every model the
/// gateway serves. The request becomes a chat completion sent to the gateway's own front door with the caller's key
/// (<c>x-api-key</c> or <c>Authorization: Bearer</c>), so keys, limits, routing (<c>model: "auto"</c>), fallback,
/// agents and metrics all apply as they do to chat; the answer comes back as a <c>message</c> or its events, and
/// every refusal in Anthropic's error shape.
/// </summary>
internal static class MessagesEndpoints
{
    /// <summary>Most bytes of a front-door refusal read to translate it: the gateway's own errors are far smaller.</summary>
    private const int MaxErrorBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapMessagesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/messages", AnswerAsync).RequireAuthorization(GatewayPolicies.Key).WithMetadata(AnthropicApiEndpoint.Instance);
        endpoints.MapPost("/v1/messages/count_tokens", CountTokensAsync).RequireAuthorization(GatewayPolicies.Key).WithMetadata(AnthropicApiEndpoint.Instance);
        return endpoints;
    }

    private static async Task AnswerAsync(HttpContext context, ResponsesLoopback loopback, IOptionsMonitor<GatewayOptions> options,
        ReloadingSnapshot<CatalogSnapshot> catalog)
    {
        var aborted = context.RequestAborted;
        if (await ReadAsync(context, options, catalog, countOnly: false) is not { } request)
        {
            return;
        }

        string body;
        try
        {
            body = request.Chat.ToJsonString();
        }
        catch (JsonException)
        {
            await AnthropicErrors.WriteAsync(context, GatewayError.BadRequest($"The request is nested more deeply than {JsonLimits.MaxDepth} levels once translated."));
            return;
        }

        using var answer = await loopback.SendAsync(context.Request, body, request.Stream, aborted);
        foreach (var header in answer.Headers.Where(h => h.Key.StartsWith("x-gateway-", StringComparison.OrdinalIgnoreCase)
                     || h.Key.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        var media = answer.Content.Headers.ContentType?.MediaType;
        if (!answer.IsSuccessStatusCode || media is not ("application/json" or SseFraming.ContentType))
        {
            await RefuseAsync(context, answer);
            return;
        }

        // A routed request names the model chosen; the header is the catalog's name, never the upstream's id.
        var model = answer.Headers.TryGetValues("x-gateway-model", out var chosen) ? chosen.First() : request.Model;
        if (media == SseFraming.ContentType)
        {
            await using var events = await answer.Content.ReadAsStreamAsync(aborted);
            await new MessageEventStream(context.Response, request, model).RunAsync(events, aborted);
            return;
        }

        using var completion = await JsonDocument.ParseAsync(await answer.Content.ReadAsStreamAsync(aborted), cancellationToken: aborted);
        await context.Response.WriteAsJsonAsync(MessageObject.FromCompletion(completion.RootElement, request, model), aborted);
    }

    /// <summary>
    /// The prompt's tokens by the gateway's byte estimate (<see cref="TokenEstimate"/>) of the chat completion the
    /// request becomes: what admission reserves for its prompt, whatever the model.
    /// </summary>
    private static async Task CountTokensAsync(HttpContext context, IOptionsMonitor<GatewayOptions> options, ReloadingSnapshot<CatalogSnapshot> catalog)
    {
        if (await ReadAsync(context, options, catalog, countOnly: true) is not { } request)
        {
            return;
        }

        var key = GatewayPolicies.KeyOf(context.User);
        var known = catalog.Current.TryGet(request.Model, out _);
        if (!known && !AgentFrontDoor.IsAgent(request.Model) && request.Model != "auto" && !request.Model.StartsWith("auto:", StringComparison.Ordinal))
        {
            await AnthropicErrors.WriteAsync(context, GatewayError.ModelNotFound(request.Model));
            return;
        }

        if (known && key is not null && !key.Allows(request.Model))
        {
            await AnthropicErrors.WriteAsync(context, GatewayError.ModelNotAllowed(request.Model, key.Name));
            return;
        }

        long bytes;
        try
        {
            bytes = System.Text.Encoding.UTF8.GetByteCount(request.Chat.ToJsonString());
        }
        catch (JsonException)
        {
            await AnthropicErrors.WriteAsync(context, GatewayError.BadRequest($"The request is nested more deeply than {JsonLimits.MaxDepth} levels once translated."));
            return;
        }

        await context.Response.WriteAsJsonAsync(new { input_tokens = TokenEstimate.TokensOf(bytes) }, context.RequestAborted);
    }

    /// <summary>Reads and translates the body, or answers with what is wrong with it.</summary>
    private static async Task<MessagesTranslation?> ReadAsync(HttpContext context, IOptionsMonitor<GatewayOptions> options,
        ReloadingSnapshot<CatalogSnapshot> catalog, bool countOnly)
    {
        var (document, readError) = await RequestBodyReader.ReadJsonAsync(context.Request, options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (readError is not null)
        {
            await AnthropicErrors.WriteAsync(context, readError);
            return null;
        }

        using (document)
        {
            var root = document!.RootElement;

            // The gateway's local models and Anthropic take top_k; an OpenAI-compatible upstream may refuse it.
            var passTopK = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String
                           && catalog.Current.TryGet(m.GetString()!, out var model) && (model.IsLocal || model.IsAnthropic);
            if (MessagesRequest.Translate(root, countOnly, passTopK, out var error) is not { } request)
            {
                await AnthropicErrors.WriteAsync(context, error!);
                return null;
            }

            return request;
        }
    }

    /// <summary>The front door's refusal (OpenAI-shaped) in Anthropic's shape, with its status and retry hint.</summary>
    private static async Task RefuseAsync(HttpContext context, HttpResponseMessage answer)
    {
        var status = (int)answer.StatusCode;
        string? message = null;
        if (answer.Content.Headers.ContentType?.MediaType == "application/json")
        {
            await using var stream = await answer.Content.ReadAsStreamAsync(context.RequestAborted);
            var buffer = new byte[MaxErrorBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), context.RequestAborted)) > 0)
            {
                total += read;
            }
            message = AnthropicErrors.OpenAIMessage(buffer.AsSpan(0, total));
        }

        if (status < 400)
        {
            // A success in a shape the chat endpoint never sends: the gateway's fault, not the caller's.
            status = StatusCodes.Status502BadGateway;
            message = "The model's answer could not be translated.";
        }

        if (answer.Headers.RetryAfter is { } hint)
        {
            context.Response.Headers.RetryAfter = hint.ToString();
        }

        await AnthropicErrors.WriteAsync(context, status, AnthropicErrors.TypeFor(status), message ?? $"The request failed with status {status}.");
    }
}
