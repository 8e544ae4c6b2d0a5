using System.Text;
using System.Text.Json.Nodes;
using Gateway.Errors;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>One job's output as it is read back: its text (after any echoed prompt) and its tokens' log probabilities.</summary>
internal sealed class GenerationOutput(string start = "")
{
    public StringBuilder Text { get; } = new(start);

    public List<TokenLogprob> Tokens { get; } = [];
}

/// <summary>
/// The non-streamed answer every generation endpoint gives: each job's events read to their end into its
/// <see cref="GenerationOutput"/>, then one JSON answer built from them, or the 500 when a generation failed.
/// </summary>
internal static class GenerationAnswer
{
    /// <summary>
    /// Reads every job to its end, then answers with what <paramref name="answer"/> builds from their summaries (it
    /// may set headers too); with the first failure, in job order, when one failed; with nothing when the client
    /// went away before every job finished.
    /// </summary>
    public static async Task WriteAsync(
        HttpContext http, IReadOnlyList<GenerationJob> jobs, IReadOnlyList<GenerationOutput> outputs, Func<GenerationEvent.Finished[], JsonObject> answer)
    {
        var outcomes = await Task.WhenAll(jobs.Select((job, i) => CollectAsync(job, outputs[i])));
        if (outcomes.FirstOrDefault(o => o.Failure is not null).Failure is { } failure)
        {
            await GatewayErrorWriter.WriteAsync(http, ModelServerErrors.GenerationFailed(failure));
            return;
        }

        if (outcomes.Any(o => o.Finished is null))
        {
            return; // The client went away; nothing to answer.
        }

        await Results.Json(answer([.. outcomes.Select(o => o.Finished!)])).ExecuteAsync(http);
    }

    private static async Task<(GenerationEvent.Finished? Finished, string? Failure)> CollectAsync(GenerationJob job, GenerationOutput output)
    {
        GenerationEvent.Finished? finished = null;
        string? failure = null;

        // The request's token is not passed: a job the client abandons is cancelled by the scheduler and its events end.
        await foreach (var e in job.Events.ReadAllAsync(CancellationToken.None))
        {
            switch (e)
            {
                case GenerationEvent.Text t: output.Text.Append(t.Content); break;
                case GenerationEvent.Logprob l: output.Tokens.Add(l.Token); break;
                case GenerationEvent.Finished f: finished = f; break;
                case GenerationEvent.Failed f: failure ??= f.Message; break;
            }
        }

        return (finished, failure);
    }
}
