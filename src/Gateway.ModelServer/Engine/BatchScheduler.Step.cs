using LLama.Native;

namespace Gateway.ModelServer.Engine;

internal sealed partial class BatchScheduler
{
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
                s.NextToken = null;
                budget--;
                inBatch++;
            }
        }
        foreach (var s in _active)
        {
            if (!s.Prefilling || budget <= 0)
            {
                continue;
            }
            var count = Math.Min(s.Job.Prompt.Length - s.Prefilled, budget);
            for (var i = 0; i < count; i++)
            {
                var last = s.Prefilled + i == s.Job.Prompt.Length - 1;
                var index = _batch.Add(s.Job.Prompt[s.Prefilled + i], s.Position++, s.Sequence, last);
                if (last)
                {
                    s.LogitIndex = index;
                }
            }
            s.Prefilled += count;
            budget -= count;
            inBatch++;
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
            if (s.LogitIndex < 0)
            {
                continue;
            }
            var index = s.LogitIndex;
            s.LogitIndex = -1;
            try
            {
                Sample(s, index);
            }
#pragma warning disable CA1031 // One request's sampling failure must not end the others'.
            catch (Exception e)
#pragma warning restore CA1031
            {
                ModelServerLog.SequenceFailed(_logger, e);
                s.Job.Emit(new GenerationEvent.Failed($"Sampling failed: {e.Message}"));
                Release(s);
            }
        }
    }

    private void Sample(ActiveSequence s, int index)
    {
        var token = s.Pipeline.Sample(_model.Context.NativeHandle, index);
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
        s.Decoder.Add(token);
        var text = s.StopBuffer.Push(s.Decoder.Read());
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
        s.Job.Emit(new GenerationEvent.Finished(reason, s.Job.Prompt.Length, s.Generated, s.PeakBatch));
        Interlocked.Increment(ref _completed);
        Release(s);
    }
}
