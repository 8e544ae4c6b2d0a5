using System.Text.Json.Nodes;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>
/// <c>/health</c> (ready, with batching counters and the decode loop's progress), <c>/alive</c> and <c>/v1/models</c>.
/// Both health paths answer 503 while the decode loop is stalled. <c>/alive</c> is the one path open without the API
/// key (for liveness probes that cannot carry it): it says only <c>ok</c> or <c>stalled</c>.
/// </summary>
internal static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapModelServer(this IEndpointRouteBuilder app)
    {
        app.MapGet(ApiKeyAuthentication.AlivePath, (BatchScheduler scheduler) =>
            scheduler.IsStalled ? Results.Text("stalled", statusCode: StatusCodes.Status503ServiceUnavailable) : Results.Text("ok"));
        app.MapGet("/health", (LoadedModel model, BatchScheduler scheduler) =>
        {
            var s = scheduler.Stats;
            var stalled = scheduler.IsStalled;
            return Results.Json(new JsonObject
            {
                ["status"] = stalled ? "stalled" : "ready",
                ["model"] = model.Id,
                ["pid"] = Environment.ProcessId,
                ["load_ms"] = (long)model.LoadTime.TotalMilliseconds,
                ["parallel_sequences"] = model.Options.ParallelSequences,
                ["kv_cache"] = model.Options.SharedKvCache ? "shared" : "per_sequence",
                ["kv_cache_type"] = model.Options.KvCacheType ?? "f16",
                ["flash_attention"] = model.Options.FlashAttention ?? "auto",
                ["prefix_cache"] = model.Options.PrefixCache,
                ["json_grammar"] = model.GrammarLimits == Gateway.Inference.Grammar.JsonGrammarLimits.Full ? "full" : "compact",
                ["active"] = s.Active,
                ["queued"] = s.Queued,
                ["decode_steps"] = s.DecodeSteps,
                ["last_step_age_ms"] = (long)scheduler.Progress.SinceLastBeat.TotalMilliseconds,
                ["stalled"] = stalled,
                ["stall_timeout_ms"] = (long)model.Options.StallTimeout.TotalMilliseconds,
                ["shared_steps"] = s.SharedSteps,
                ["peak_batch_sequences"] = s.PeakBatchSequences,
                ["generated_tokens"] = s.GeneratedTokens,
                ["completed_requests"] = s.CompletedRequests,
                ["cancelled_requests"] = s.CancelledRequests,
                ["rejected_requests"] = s.RejectedRequests,
                ["sequence_moves"] = s.SequenceMoves,
                ["prefix_cache_hits"] = s.PrefixCacheHits,
                ["cached_prompt_tokens"] = s.CachedPromptTokens,
                ["background_active"] = s.BackgroundActive,
                ["background_queued"] = s.BackgroundQueued,
                ["background_admitted"] = s.BackgroundAdmitted,
            }, statusCode: stalled ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        app.MapGet("/v1/models", (LoadedModel model, TimeProvider time) => Results.Json(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject
            {
                ["id"] = model.Id,
                ["object"] = "model",
                ["created"] = time.GetUtcNow().ToUnixTimeSeconds(),
                ["owned_by"] = "local",
            }),
        }));
        app.MapPost("/v1/chat/completions", ChatEndpoints.Handle);
        app.MapPost("/v1/completions", CompletionEndpoints.Handle);
        app.MapPost("/v1/embeddings", EmbeddingEndpoints.Handle);
        app.MapPost("/apply-template", TemplateEndpoints.Handle);
        return app;
    }
}
