using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Errors;
using Gateway.Host.Agents;
using Gateway.Host.Auth;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.Host.Responses;
using Gateway.ServerSentEvents;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Api;

/// <summary>
/// <c>POST /v1/responses</c>, OpenAI's Responses API, for every model the gateway serves. The request becomes a chat
/// completion sent to the gateway's own front door with the caller's key, so keys, limits, routing (<c>model:
/// "auto"</c>), fallback, agents and metrics all apply as they do to chat; the answer comes back as a
/// <c>response</c> object or its stream of events. Nothing is stored: <c>GET /v1/responses/{id}</c> is a 404.
/// </summary>
internal static class ResponsesEndpoints
{
    public static IEndpointRouteBuilder MapResponsesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/responses", AnswerAsync).RequireAuthorization(GatewayPolicies.Key);
        endpoints.MapGet("/v1/responses/{id}", (HttpContext context, string id) => GatewayErrorWriter.WriteAsync(context,
            new GatewayError(StatusCodes.Status404NotFound, $"No response with id '{id}' is stored: this gateway does not keep responses.",
                OpenAIErrorTypes.InvalidRequest, "id", "not_found"))).RequireAuthorization(GatewayPolicies.Key);
        return endpoints;
    }

    private static async Task AnswerAsync(HttpContext context, ResponsesLoopback loopback, IOptionsMonitor<GatewayOptions> options, TimeProvider time)
    {
        var aborted = context.RequestAborted;
        var (document, readError) = await RequestBodyReader.ReadJsonAsync(context.Request, options.CurrentValue.MaxRequestBodyBytes, aborted);
        if (readError is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, readError);
            return;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                await GatewayErrorWriter.WriteAsync(context, GatewayError.BadRequest("The body must be a JSON object."));
                return;
            }

            if (ResponsesRequest.Translate(root, out var error) is not { } chat)
            {
                await GatewayErrorWriter.WriteAsync(context, error!);
                return;
            }

            var stream = chat["stream"]?.GetValueKind() == JsonValueKind.True;
            using var answer = await loopback.SendAsync(context.Request, chat, stream, aborted);
            foreach (var header in answer.Headers.Where(h => h.Key.StartsWith("x-gateway-", StringComparison.OrdinalIgnoreCase)
                         || h.Key.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase)))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }

            if (!answer.IsSuccessStatusCode || answer.Content.Headers.ContentType?.MediaType is not ("application/json" or SseFraming.ContentType))
            {
                // The chat endpoint's OpenAI-shaped error is the Responses API's too; a retry hint stays with it.
                context.Response.StatusCode = (int)answer.StatusCode;
                if (answer.Headers.RetryAfter is { } retry)
                {
                    context.Response.Headers.RetryAfter = retry.ToString();
                }
                context.Response.ContentType = answer.Content.Headers.ContentType?.ToString() ?? "application/json";
                await answer.Content.CopyToAsync(context.Response.Body, aborted);
                return;
            }

            var response = new ResponseObject(root, time.GetUtcNow().ToUnixTimeSeconds());
            if (answer.Content.Headers.ContentType?.MediaType == SseFraming.ContentType)
            {
                await using var body = await answer.Content.ReadAsStreamAsync(aborted);
                await new ResponseEventStream(context.Response, response).RunAsync(body, aborted);
                return;
            }

            using var completion = await JsonDocument.ParseAsync(await answer.Content.ReadAsStreamAsync(aborted), cancellationToken: aborted);
            response.AddCompletion(completion.RootElement);
            await context.Response.WriteAsJsonAsync(response.ToJson(), aborted);
        }
    }
}

/// <summary>Sends a translated request to the gateway's own chat endpoint with the caller's credentials.</summary>
internal sealed class ResponsesLoopback(AgentEndpointAddress address) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };

    public Task<HttpResponseMessage> SendAsync(HttpRequest caller, System.Text.Json.Nodes.JsonObject chat, bool stream, CancellationToken cancellationToken) =>
        SendAsync(caller, chat.ToJsonString(), stream, cancellationToken);

    /// <summary>Sends <paramref name="chat"/>, a chat completion request's JSON, with the caller's key (<c>Authorization</c> or <c>x-api-key</c>) and route.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequest caller, string chat, bool stream, CancellationToken cancellationToken)
    {
        var uri = new Uri(address.ApiBase() + "/chat/completions");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(chat, System.Text.Encoding.UTF8, "application/json"),
        };
        foreach (var name in new[] { "Authorization", "x-api-key", "x-gateway-route" })
        {
            if (caller.Headers.TryGetValue(name, out var value))
            {
                request.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        // One id for both passes, so the chat call's logs and the caller's answer name the same request.
        request.Headers.TryAddWithoutValidation("x-request-id", caller.HttpContext.Response.Headers["x-request-id"].ToString());

        if (stream)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(SseFraming.ContentType));
        }

        return await _http.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    public void Dispose() => _http.Dispose();
}
