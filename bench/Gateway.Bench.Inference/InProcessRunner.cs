using System.Diagnostics;
using LLama;
using LLama.Batched;
using LLama.Native;
using LLama.Sampling;

namespace Gateway.Bench.Inference;

/// <summary>The baseline: the same model and sampling driven directly by LLamaSharp's BatchedExecutor, no server.</summary>
internal static class InProcessRunner
{
    public static async Task<double> TokensPerSecondAsync(LLamaWeights weights, string path, BenchSettings settings, int streams, CancellationToken cancellation)
    {
        var parameters = settings.ContextParams(path, streams);
        using var executor = new BatchedExecutor(weights, parameters);
        var template = new LLamaTemplate(weights);
        template.Add("user", "Benchmark stream");
        template.AddAssistant = true;
        var prompt = executor.Context.Tokenize(System.Text.Encoding.UTF8.GetString(template.Apply()), addBos: true, special: true);
        var noEnd = new Dictionary<LLamaToken, float> { [weights.Vocab.EOS ?? 2] = -100f };
        if (weights.Vocab.EOT is { } eot)
        {
            noEnd[eot] = -100f;
        }

        var watch = Stopwatch.StartNew();
        var conversations = new List<(Conversation Conversation, DefaultSamplingPipeline Sampler, StreamingTokenDecoder Decoder)>();
        for (var i = 0; i < streams; i++)
        {
            var conversation = executor.Create();
            conversation.Prompt(prompt);
            conversations.Add((conversation, new DefaultSamplingPipeline { Seed = (uint)i, Temperature = 1f, TopP = 1f, LogitBias = noEnd }, new StreamingTokenDecoder(executor.Context)));
        }
        var generated = 0;
        for (var step = 0; step < settings.Tokens; step++)
        {
            var result = await executor.Infer(cancellation);
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"Decode failed: {result}");
            }
            foreach (var (conversation, sampler, decoder) in conversations)
            {
                var token = conversation.Sample(sampler);
                decoder.Add(token);
                _ = decoder.Read(); // The server decodes text for every token; so does the baseline.
                generated++;
                if (step < settings.Tokens - 1)
                {
                    conversation.Prompt(token);
                }
            }
        }
        var seconds = watch.Elapsed.TotalSeconds;
        foreach (var (conversation, sampler, _) in conversations)
        {
            conversation.Dispose();
            sampler.Dispose();
        }
        return generated / seconds;
    }
}
