using System.Text.Json.Nodes;
using Gateway.ModelServer.Engine;
using Gateway.ServerSentEvents;

namespace Gateway.ModelServer.Api;

/// <summary>
/// <c>POST /v1/completions</c>: raw prompt in, text out (streaming and not). A prompt array gets one choice per
/// prompt, in its order, generated together in the same batches. With <c>echo</c> the text starts with the prompt,
/// and with <c>logprobs</c> as well the prompt's tokens are scored too, the way evaluation harnesses measure a
/// model's likelihood of a text (<c>max_tokens: 0</c> scores it without generating).
/// </summary>
internal static class CompletionEndpoints
{
    public static async Task Handle(HttpContext http, GenerationService service, TimeProvider time)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        if (await GenerationStart.TryStartEachAsync(http, service, cancel) is not { } started)
        {
            return;
        }

        var (request, jobs) = started;
        var aborted = http.RequestAborted;
        var id = "cmpl-" + Guid.NewGuid().ToString("N")[..24];
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var model = request.Model ?? service.Model.Id;
        var choices = jobs.Select((job, i) => new Choice(i, request, request.Prompts[i])).ToArray();
        JsonObject Envelope(JsonArray choiceList) => new()
        {
            ["id"] = id,
            ["object"] = "text_completion",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = choiceList,
        };

        if (request.Stream)
        {
            var sse = await SseWriter.StartAsync(http);
            using var writing = new SemaphoreSlim(1);
            async Task WriteAsync(GenerationEvent.Failed? failed, JsonObject? data)
            {
                await writing.WaitAsync(aborted);
                try
                {
                    if (failed is not null)
                    {
                        await sse.WriteErrorAsync(ModelServerErrors.GenerationFailed(failed.Message), aborted);
                    }
                    else
                    {
                        await sse.WriteAsync(data!.ToJsonString(), aborted);
                    }
                }
                finally
                {
                    writing.Release();
                }
            }

            async Task RelayAsync(GenerationJob job, Choice choice)
            {
                await foreach (var e in job.Events.ReadAllAsync(aborted))
                {
                    if (e is GenerationEvent.Failed failed)
                    {
                        await WriteAsync(failed, null);
                        continue;
                    }

                    var chunk = e switch
                    {
                        GenerationEvent.Logprob l => choice.Add(l.Token),
                        GenerationEvent.Text t => Envelope([choice.Json(t.Content, null, stream: true)]),
                        GenerationEvent.Finished f => Envelope([choice.Finish(f)]),
                        _ => null,
                    };
                    if (chunk is not null)
                    {
                        await WriteAsync(null, chunk);
                    }
                }
            }

            try
            {
                await Task.WhenAll(jobs.Select((job, i) => RelayAsync(job, choices[i])));
                if (request.IncludeUsage && choices.All(c => c.Finished is not null))
                {
                    var usage = Envelope([]);
                    usage["usage"] = Usage(choices);
                    await WriteAsync(null, usage);
                }
                await sse.WriteDoneAsync(aborted);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
            }
            return;
        }

        await GenerationAnswer.WriteAsync(http, jobs, [.. choices.Select(c => c.Output)], finished =>
        {
            for (var i = 0; i < choices.Length; i++)
            {
                choices[i].Finished = finished[i];
            }

            var response = Envelope([.. choices.Select(c => c.Json(c.Output.Text.ToString(), c.Finished!.FinishReason, stream: false))]);
            response["usage"] = Usage(choices);
            return response;
        });
    }

    private static JsonObject Usage(Choice[] choices)
    {
        var prompt = choices.Sum(c => c.Finished!.PromptTokens);
        var completion = choices.Sum(c => c.Finished!.CompletionTokens);
        return new JsonObject
        {
            ["prompt_tokens"] = prompt,
            ["completion_tokens"] = completion,
            ["total_tokens"] = prompt + completion,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = choices.Sum(c => c.Finished!.CachedTokens) },
        };
    }

    /// <summary>One prompt's answer as it is built: its echo, its pending log probabilities and where its text is.</summary>
    private sealed class Choice(int index, ChatRequest request, string prompt)
    {
        private int _offset = request.Echo ? 0 : prompt.Length;
        private string? _echo = request.Echo ? prompt : null;

        /// <summary>The text so far (the echoed prompt first) and the log probabilities not yet sent.</summary>
        public GenerationOutput Output { get; } = new(request.Echo ? prompt : "");

        private List<TokenLogprob> Tokens => Output.Tokens;
        public GenerationEvent.Finished? Finished { get; set; }

        /// <summary>Holds a token's log probability until the chunk that carries its text; nothing to send yet.</summary>
        public JsonObject? Add(TokenLogprob token)
        {
            Tokens.Add(token);
            return null;
        }

        /// <summary>The last streamed choice: the prompt, if it is echoed and no text carried it, and the finish reason.</summary>
        public JsonObject Finish(GenerationEvent.Finished finished)
        {
            Finished = finished;
            return Json("", finished.FinishReason, stream: true);
        }

        /// <summary>
        /// The choice object. Streamed, the echoed prompt goes out once, ahead of the first text; log probabilities
        /// ride on the chunk with their text (the last chunk takes any left, those of a stop sequence).
        /// </summary>
        public JsonObject Json(string text, string? finish, bool stream)
        {
            if (stream)
            {
                text = (_echo ?? "") + text;
                _echo = null;
            }
            JsonNode? logprobs = null;
            if (request.Logprobs is not null && (Tokens.Count > 0 || finish is null || !stream))
            {
                logprobs = LogprobsJson.Completion(Tokens, ref _offset);
                Tokens.Clear();
            }
            return new JsonObject { ["index"] = index, ["text"] = text, ["logprobs"] = logprobs, ["finish_reason"] = finish };
        }
    }
}
