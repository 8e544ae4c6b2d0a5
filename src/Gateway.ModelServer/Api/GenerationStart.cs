using System.Text.Json;
using Gateway.Inference.Grammar;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>The first steps every generation endpoint shares: parse the body, then admit the job or refuse it.</summary>
internal static class GenerationStart
{
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
            job = service.Start(request, aborted);
        }
        catch (ApiException e)
        {
            await OpenAiErrors.Result(e).ExecuteAsync(http);
            return null;
        }

        if (job is null)
        {
            await OpenAiErrors.Overloaded().ExecuteAsync(http);
            return null;
        }

        return (request, job);
    }
}
