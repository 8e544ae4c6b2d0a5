using System.Text.Json;
using Gateway.Errors;
using Gateway.Inference.Grammar;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>The first steps every generation endpoint shares: parse the body, then admit the jobs or refuse them.</summary>
internal static class GenerationStart
{
    /// <summary>
    /// The header that marks a request as a batch line (value <c>batch</c>). Only the gateway can send it (this server
    /// answers only callers holding its per-launch key), and the gateway sets it only on its own batch lines.
    /// </summary>
    public const string PriorityHeader = "x-gateway-priority";

    private static bool IsBackground(HttpRequest request) =>
        string.Equals(request.Headers[PriorityHeader].ToString(), "batch", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Returns the parsed request and its admitted job, or null after answering with the OpenAI error
    /// (bad request, or 429 when every sequence is busy and the queue is full).
    /// </summary>
    public static async Task<(ChatRequest Request, GenerationJob Job)?> TryStartAsync(
        HttpContext http, GenerationService service, Func<JsonElement, JsonGrammarLimits, ChatRequest> parse)
    {
        var aborted = http.RequestAborted;
        ChatRequest request;
        GenerationJob? job;
        try
        {
            using var body = await RequestParser.ReadBodyAsync(http.Request, aborted);
            request = parse(body.RootElement, service.Model.GrammarLimits);
            job = service.Start(request, aborted, IsBackground(http.Request));
        }
        catch (ApiException e)
        {
            await GatewayErrorWriter.WriteAsync(http, e.Error);
            return null;
        }

        if (job is null)
        {
            await GatewayErrorWriter.WriteAsync(http, ModelServerErrors.Overloaded());
            return null;
        }

        return (request, job);
    }

    /// <summary>
    /// One job per prompt of a completions request, all admitted or none: when one is refused (its prompt is too
    /// long, or the queue is full) the ones already admitted are cancelled and the error answered. The jobs end
    /// with the request or when <paramref name="cancel"/> is cancelled; the caller disposes it.
    /// </summary>
    public static async Task<(ChatRequest Request, GenerationJob[] Jobs)?> TryStartEachAsync(
        HttpContext http, GenerationService service, CancellationTokenSource cancel)
    {
        ChatRequest request;
        var jobs = new List<GenerationJob>();
        try
        {
            using var body = await RequestParser.ReadBodyAsync(http.Request, http.RequestAborted);
            request = RequestParser.ParseCompletion(body.RootElement, service.Model.GrammarLimits);
            var background = IsBackground(http.Request);
            foreach (var prompt in request.Prompts)
            {
                if (service.Start(request with { Prompt = prompt }, cancel.Token, background) is not { } job)
                {
                    await cancel.CancelAsync();
                    await GatewayErrorWriter.WriteAsync(http, ModelServerErrors.Overloaded());
                    return null;
                }
                jobs.Add(job);
            }
        }
        catch (ApiException e)
        {
            await cancel.CancelAsync();
            await GatewayErrorWriter.WriteAsync(http, e.Error);
            return null;
        }

        return (request, [.. jobs]);
    }
}
