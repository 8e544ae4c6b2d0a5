using System.Diagnostics;
using LLama;
using LLama.Native;
using LLama.Sampling;

namespace Gateway.Bench.Inference;

/// <summary>
/// The strictest baseline: one thread decoding every stream's next token in one LLamaBatch and sampling
/// each, with no server, no queue and no thread hops — what the serving layers cost is measured against this.
/// </summary>
internal static class DirectRunner
{
    public static double TokensPerSecond(LLamaWeights weights, string path, BenchSettings settings, int streams)
    {
        var parameters = settings.ContextParams(path, streams);
        using var context = weights.CreateContext(parameters);
        var template = new LLamaTemplate(weights);
        template.Add("user", "Benchmark stream");
        template.AddAssistant = true;
        var prompt = context.Tokenize(System.Text.Encoding.UTF8.GetString(template.Apply()), addBos: true, special: true);
        var noEnd = new Dictionary<LLamaToken, float> { [weights.Vocab.EOS ?? 2] = -100f };
        if (weights.Vocab.EOT is { } eot)
        {
            noEnd[eot] = -100f;
        }

        var watch = Stopwatch.StartNew();
        var samplers = Enumerable.Range(0, streams).Select(i => new DefaultSamplingPipeline { Seed = (uint)i, Temperature = 1f, TopP = 1f, LogitBias = noEnd }).ToArray();
        var decoders = Enumerable.Range(0, streams).Select(_ => new StreamingTokenDecoder(context)).ToArray();
        var batch = new LLamaBatch();
        var logits = new int[streams];
        for (var s = 0; s < streams; s++)
        {
            for (var i = 0; i < prompt.Length; i++)
            {
                var index = batch.Add(prompt[i], i, (LLamaSeqId)s, i == prompt.Length - 1);
                logits[s] = index;
            }
        }
        var generated = 0;
        for (var step = 0; step < settings.Tokens; step++)
        {
            if (context.Decode(batch) != DecodeResult.Ok)
            {
                throw new InvalidOperationException("Decode failed.");
            }
            var next = new LLamaToken[streams];
            for (var s = 0; s < streams; s++)
            {
                next[s] = samplers[s].Sample(context.NativeHandle, logits[s]);
                decoders[s].Add(next[s]);
                _ = decoders[s].Read();
                generated++;
            }
            batch.Clear();
            for (var s = 0; s < streams; s++)
            {
                logits[s] = batch.Add(next[s], prompt.Length + step, (LLamaSeqId)s, true);
            }
        }
        var seconds = watch.Elapsed.TotalSeconds;
        foreach (var sampler in samplers)
        {
            sampler.Dispose();
        }
        return generated / seconds;
    }
}
