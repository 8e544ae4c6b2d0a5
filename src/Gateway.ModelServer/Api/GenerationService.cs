using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>Turns a validated request into a scheduled generation: prompt, token budget and sampling.</summary>
internal sealed class GenerationService(LoadedModel model, BatchScheduler scheduler, ILogger<GenerationService> logger)
{
    public LoadedModel Model => model;

    /// <summary>Schedules the request (<paramref name="background"/>: a batch line, below interactive work); null when the queue is full.</summary>
    public GenerationJob? Start(ChatRequest request, CancellationToken cancellation, bool background = false)
    {
        var prompt = request.Prompt ?? model.ApplyTemplate(request);
        if (logger.IsEnabled(LogLevel.Trace))
        {
            ModelServerLog.Prompt(logger, prompt);
        }
        var tokens = model.Tokenize(prompt, addBos: request.Prompt is not null || model.Template.NeedsBos(prompt), special: request.Prompt is null);
        var context = model.Options.ContextSize;
        if (tokens.Length == 0)
        {
            throw ApiException.BadRequest("The prompt is empty.");
        }
        if (tokens.Length >= context)
        {
            throw ApiException.BadRequest(
                $"The prompt is {tokens.Length} tokens; this model's context is {context} tokens.", "messages", "context_length_exceeded");
        }
        var room = context - tokens.Length;
        if (request.MaxTokens is { } asked && asked > room)
        {
            throw ApiException.BadRequest(
                $"The prompt ({tokens.Length} tokens) plus max_tokens ({asked}) exceeds this model's context of {context} tokens.", "max_tokens", "context_length_exceeded");
        }
        var chat = request.Prompt is null ? ChatOutput.For(request, ModelToolFormat.Of(model), prompt, model.GrammarLimits) : null;
        var grammar = chat is null ? request.Grammar : chat.Grammar;
        if (grammar is not null)
        {
            EnsureGrammarLoads(grammar, request.GrammarParam ?? "response_format");
        }
        var seed = request.Seed ?? (uint)Random.Shared.Next();
        var vocabulary = model.Weights.Vocab.Count;
        if (request.LogitBias is { } bias && bias.Keys.Any(id => id >= vocabulary))
        {
            throw ApiException.BadRequest($"'logit_bias' names a token outside this model's vocabulary of {vocabulary}.", "logit_bias");
        }
        var sampling = new SamplingSettings(
            request.Temperature, request.TopP, seed, grammar, request.LogitBias, request.PresencePenalty, request.FrequencyPenalty, request.Logprobs,
            request.TopK, request.MinP, PromptLogprobs: request.Echo && request.Logprobs is not null)
        {
            Lazy = chat?.Lazy,
            RenderedSpecialTokens = chat?.RenderedSpecialTokens,
        };
        var job = new GenerationJob(tokens, request.MaxTokens ?? room, request.Stop, sampling, cancellation, background) { Chat = chat };
        return scheduler.TryEnqueue(job) ? job : null;
    }

    /// <summary>
    /// Has llama.cpp build the request's grammar sampler now, before the request is admitted, so that a grammar it
    /// refuses is the client's 400 naming <paramref name="param"/>, never a sequence without its sampler.
    /// </summary>
    private void EnsureGrammarLoads(string grammar, string param)
    {
        using var sampler = GrammarSampler.TryCreate(model.Weights.NativeHandle, grammar);
        if (sampler is null)
        {
            ModelServerLog.GrammarRefused(logger, param);
            throw ApiException.BadRequest("The requested output format cannot be enforced: llama.cpp refused the grammar built from it.", param);
        }
    }
}
