using System.Text;
using System.Text.Json.Nodes;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>
/// <c>POST /v1/completions</c>: raw prompt in, text out (streaming and not). With <c>echo</c> the text starts with the
/// prompt, and with <c>logprobs</c> as well the prompt's tokens are scored too, the way evaluation harnesses measure a
/// model's likelihood of a text (<c>max_tokens: 0</c> scores it without generating).
/// </summary>
internal static class CompletionEndpoints
{
    public static async Task Handle(HttpContext http, GenerationService service, TimeProvider time)
    {
        if (await GenerationStart.TryStartAsync(http, service, RequestParser.ParseCompletion) is not { } started)
        {
            return;
        }

        var (request, job) = started;
        var aborted = http.RequestAborted;
        var id = "cmpl-" + Guid.NewGuid().ToString("N")[..24];
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var model = request.Model ?? service.Model.Id;
        var tokens = new List<TokenLogprob>();
        var offset = request.Echo ? 0 : request.Prompt!.Length;
        var echo = request.Echo ? request.Prompt : null;
        string Echoed(string text) // The prompt goes out once, ahead of the first generated text.
        {
            var prefix = echo ?? "";
            echo = null;
            return prefix + text;
        }
        JsonObject Body(string text, string? finish)
        {
            JsonNode? logprobs = null;
            if (request.Logprobs is not null && (tokens.Count > 0 || finish is null || !request.Stream))
            {
                logprobs = LogprobsJson.Completion(tokens, ref offset);
                tokens.Clear();
            }
            return new()
            {
                ["id"] = id,
                ["object"] = "text_completion",
                ["created"] = created,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = text, ["logprobs"] = logprobs, ["finish_reason"] = finish }),
            };
        }

        if (request.Stream)
        {
            var sse = await Sse.StartAsync(http);
            try
            {
                await foreach (var e in job.Events.ReadAllAsync(aborted))
                {
                    if (e is GenerationEvent.Logprob l)
                    {
                        tokens.Add(l.Token); // Sent with the text it adds.
                        continue;
                    }
                    if (e is GenerationEvent.Finished && echo is not null)
                    {
                        await sse.WriteAsync(Body(Echoed(""), null), aborted);
                    }
                    var chunk = e switch
                    {
                        GenerationEvent.Text t => Body(Echoed(t.Content), null),
                        GenerationEvent.Finished f => Body("", f.FinishReason),
                        GenerationEvent.Failed failed => OpenAiErrors.Body(failed.Message, "server_error", null, "generation_failed"),
                        _ => null,
                    };
                    if (chunk is not null)
                    {
                        await sse.WriteAsync(chunk, aborted);
                    }
                    if (e is GenerationEvent.Finished finished && request.IncludeUsage)
                    {
                        var usage = Body("", null);
                        usage["choices"] = new JsonArray();
                        usage["usage"] = ChatEndpoints.Usage(finished);
                        await sse.WriteAsync(usage, aborted);
                    }
                }
                await sse.DoneAsync(aborted);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
            }
            return;
        }

        var text = new StringBuilder(Echoed(""));
        await foreach (var e in job.Events.ReadAllAsync(CancellationToken.None))
        {
            switch (e)
            {
                case GenerationEvent.Text t: text.Append(t.Content); break;
                case GenerationEvent.Logprob l: tokens.Add(l.Token); break;
                case GenerationEvent.Failed failed:
                    await Results.Json(OpenAiErrors.Body(failed.Message, "server_error", null, "generation_failed"), statusCode: 500).ExecuteAsync(http);
                    return;
                case GenerationEvent.Finished f:
                    var response = Body(text.ToString(), f.FinishReason);
                    response["usage"] = ChatEndpoints.Usage(f);
                    await Results.Json(response).ExecuteAsync(http);
                    return;
            }
        }
    }
}
