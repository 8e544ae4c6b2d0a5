using LLama.Native;

namespace Gateway.ModelServer.Engine;

internal sealed partial class BatchScheduler
{
    /// <summary>
    /// Prompt tokens a step decodes for a sequence whose prompt is scored: each keeps its logits, and llama.cpp keeps
    /// an output buffer as large as the most logits one step ever asked for (tokens × vocabulary floats, 32 MB at
    /// 64 tokens of a 128k vocabulary), so long scored prompts go in chunks of this size.
    /// </summary>
    internal const int PromptScoringChunk = 64;

    /// <summary>One forward pass: fill the batch, decode, then sample every sequence that has logits.</summary>
    private void Step()
    {
        _batch.Clear();
        var budget = _model.Options.BatchSize;
        var inBatch = 0;

        // Generating sequences first, so long prompts never stall tokens already streaming.
        foreach (var s in _active)
        {
            if (s.NextToken is { } token)
            {
                s.LogitIndex = _batch.Add(token, s.Position++, s.Sequence, true);
                s.Cached.Add(token);
                s.NextToken = null;
                budget--;
                inBatch++;
            }
        }
        foreach (var s in _active)
        {
            if (!s.Prefilling || s.WaitFor is not null || budget <= 0)
            {
                continue;
            }
            var scorePrompt = s.Job.Sampling.PromptLogprobs;
            var count = Math.Min(s.Job.Prompt.Length - s.Prefilled, scorePrompt ? Math.Min(budget, PromptScoringChunk) : budget);
            for (var i = 0; i < count; i++)
            {
                var position = s.Prefilled + i;
                var last = position == s.Job.Prompt.Length - 1;
                var index = _batch.Add(s.Job.Prompt[position], s.Position++, s.Sequence, last || scorePrompt);
                s.Cached.Add(s.Job.Prompt[position]);
                if (last)
                {
                    s.LogitIndex = index;
                }
                if (scorePrompt)
                {
                    s.PromptLogits.Add((position, index));
                }
            }
            s.Prefilled += count;
            budget -= count;
            inBatch++;
        }

        if (_batch.TokenCount == 0)
        {
            return; // Every sequence is waiting for a prefix another one decodes (not expected: a source always decodes).
        }
        var result = _model.Context.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            ModelServerLog.DecodeFailed(_logger, result.ToString(), _active.Count);
            FailAll($"Decoding failed ({result}).");
            return;
        }
        Interlocked.Increment(ref _steps);
        if (inBatch > 1)
        {
            Interlocked.Increment(ref _sharedSteps);
        }
        if (inBatch > _peak)
        {
            Volatile.Write(ref _peak, inBatch);
        }

        foreach (var s in _active.ToArray())
        {
            s.PeakBatch = Math.Max(s.PeakBatch, inBatch);
            var index = s.LogitIndex;
            s.LogitIndex = -1;
            try
            {
                if (s.PromptLogits.Count > 0)
                {
                    ScorePrompt(s);
                }
                if (index >= 0)
                {
                    Sample(s, index);
                }
            }
#pragma warning disable CA1031 // One request's sampling failure must not end the others'.
            catch (Exception e)
#pragma warning restore CA1031
            {
                ModelServerLog.SequenceFailed(_logger, e);
                s.Job.Emit(new GenerationEvent.Failed("Generating this request failed; other requests on the model go on."));
                Release(s);
            }
        }
    }

    /// <summary>
    /// Reports the log probability of each prompt token decoded this step, from the logits of the position before
    /// it. A first token other than BOS has nothing before it and is listed without one; a BOS is not listed.
    /// </summary>
    private void ScorePrompt(ActiveSequence s)
    {
        var prompt = s.Job.Prompt;
        var top = s.Job.Sampling.Logprobs ?? 0;
        foreach (var (position, index) in s.PromptLogits)
        {
            if (position == 0 && prompt[0] != _model.Weights.Vocab.BOS)
            {
                s.Job.Emit(new GenerationEvent.Logprob(TokenLogprobs.Unconditioned(prompt[0], _model.Weights.NativeHandle)));
            }
            if (position + 1 < prompt.Length)
            {
                var logits = _model.Context.NativeHandle.GetLogitsIth(index);
                s.Job.Emit(new GenerationEvent.Logprob(TokenLogprobs.Compute(logits, prompt[position + 1], top, _model.Weights.NativeHandle)));
            }
        }
        s.PromptLogits.Clear();
    }

    private void Sample(ActiveSequence s, int index)
    {
        if (s.Job.MaxTokens == 0)
        {
            Finish(s, "length"); // An echoed prompt scored without generating.
            return;
        }
        var token = s.Sampler.Sample(_model.Context.NativeHandle, index);
        if (token.IsEndOfGeneration(_model.Weights.Vocab))
        {
            Finish(s, "stop");
            return;
        }
        if (s.Job.Sampling.Logprobs is { } top)
        {
            var logits = _model.Context.NativeHandle.GetLogitsIth(index);
            s.Job.Emit(new GenerationEvent.Logprob(TokenLogprobs.Compute(logits, token, top, _model.Weights.NativeHandle)));
        }
        s.Generated++;
        Interlocked.Increment(ref _tokens);
        string piece;
        if (s.Job.Sampling.RenderedSpecialTokens is { } rendered && rendered.Contains((int)token))
        {
            // A family's marker token: rendered as its text so the answer's parser sees it (decoding leaves it out).
            piece = s.Decoder.Read() + TokenText.Special(_model.Weights.NativeHandle, token);
        }
        else
        {
            s.Decoder.Add(token);
            piece = s.Decoder.Read();
        }
        var text = s.StopBuffer.Push(piece);
        if (text.Length > 0)
        {
            s.Job.Emit(new GenerationEvent.Text(text));
        }
        if (s.StopBuffer.Stopped)
        {
            Finish(s, "stop");
        }
        else if (s.Generated >= s.Job.MaxTokens)
        {
            Finish(s, "length");
        }
        else
        {
            s.NextToken = token;
        }
    }

    private void Finish(ActiveSequence s, string reason)
    {
        var rest = s.StopBuffer.Flush();
        if (rest.Length > 0)
        {
            s.Job.Emit(new GenerationEvent.Text(rest));
        }
        s.Job.Emit(new GenerationEvent.Finished(reason, s.Job.Prompt.Length, s.Generated, s.PeakBatch, s.ReusedTokens, s.StopBuffer.Matched));
        Interlocked.Increment(ref _completed);
        Release(s);
    }
}
