using System.Collections.Concurrent;
using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>
/// Continuous batching over one llama.cpp context: every step decodes one token for each generating
/// sequence plus prompt chunks for newly admitted ones, so concurrent requests share each forward pass.
/// Requests beyond the parallel sequences queue; beyond the queue limit they are refused.
/// </summary>
/// <remarks>
/// Sequence ids are recycled from a fixed pool: llama.cpp rejects ids at or above the context's
/// sequence count, so ids that only ever grow would fail once a server had seen that many requests.
/// With a KV cache per sequence, llama.cpp decodes a batch in one pass over the weights only when its
/// sequences have consecutive ids in increasing order (each gap costs another pass). So a new request takes
/// the lowest free id, the batch lists sequences in id order, and when a request ends below others and no
/// queued one takes its id, the highest sequence moves into the gap (<see cref="Compact"/>).
/// With the prefix cache, a new request starts from the longest prefix of its prompt that a cache already holds:
/// its own sequence's (a finished request's cache stays until the sequence is taken again), a free sequence's, or a
/// decoding request's, waiting for that request to decode the prefix if it has not yet (<see cref="PlanPrefix"/>).
/// <para>
/// Batch lines (<see cref="GenerationJob.Background"/>) wait in a queue of their own, with places of their own, so they
/// never take an interactive request's place in the queue. A sequence goes to a batch line only when no interactive
/// request waits, and, on a server with more than one sequence, never the last free one: an interactive request that
/// arrives while batch lines decode finds a sequence free instead of waiting for a line to end (<see cref="TryNext"/>).
/// </para>
/// </remarks>
internal sealed partial class BatchScheduler : IDisposable
{
    private readonly LoadedModel _model;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<GenerationJob> _queue = new();
    private readonly ConcurrentQueue<GenerationJob> _background = new();
    private readonly ConcurrentQueue<Action> _betweenSteps = new();
    private readonly SortedSet<int> _freeSequences = [];
    // Free sequences whose KV cache still holds the tokens of the request that last used them (prefix cache).
    private readonly Dictionary<int, List<LLamaToken>> _retained = [];
    private readonly List<ActiveSequence> _active = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly LLamaBatch _batch = new();
    private readonly Thread _thread;
    // Requests admitted to the server, queued or decoding; only TryEnqueue adds, and completion or cancellation
    // removes (ReleaseSlot, once per job), so the limit holds even while a request moves from the queue to a sequence.
    private int _inServer;
    // The same for batch lines, which have places of their own.
    private int _inBackground;
    private int _activeCount;
    private int _backgroundActive;
    private long _backgroundAdmitted;
    private long _steps, _sharedSteps, _tokens, _completed, _cancelled, _rejected, _moves, _prefixHits, _prefixTokens;
    private int _peak;

    public BatchScheduler(LoadedModel model, TimeProvider time, ILogger<BatchScheduler> logger)
    {
        _model = model;
        _logger = logger;
        Progress = new DecodeProgress(time);
        for (var i = 0; i < model.Options.ParallelSequences; i++)
        {
            _freeSequences.Add(i);
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "batch-scheduler" };
        _thread.Start();
    }

    /// <summary>When the decode loop last moved.</summary>
    public DecodeProgress Progress { get; }

    /// <summary>Work is waiting and the decode loop has not moved for longer than the stall timeout.</summary>
    public bool IsStalled => Progress.IsStalled(Volatile.Read(ref _inServer) + Volatile.Read(ref _inBackground) > 0, _model.Options.StallTimeout);

    /// <summary>Queues a job; false when the queue is full (the caller answers 429).</summary>
    public bool TryEnqueue(GenerationJob job)
    {
        var limit = _model.Options.QueueLimit + _model.Options.ParallelSequences;
        ref var count = ref job.Background ? ref _inBackground : ref _inServer;
        if (Interlocked.Increment(ref count) > limit)
        {
            Interlocked.Decrement(ref count);
            Interlocked.Increment(ref _rejected);
            return false;
        }
        Progress.WorkArrived();
        (job.Background ? _background : _queue).Enqueue(job);
        // A cancelled request gives its place back at once, so the next request is admitted without waiting for
        // the loop; the loop is woken to free its sequence before the next token.
        job.Cancellation.UnsafeRegister(static s =>
        {
            var (scheduler, cancelled) = ((BatchScheduler, GenerationJob))s!;
            scheduler.ReleaseSlot(cancelled);
            scheduler._wake.Release();
        }, (this, job));
        _wake.Release();
        return true;
    }

    private void ReleaseSlot(GenerationJob job)
    {
        if (job.TryReleaseSlot())
        {
            Interlocked.Decrement(ref job.Background ? ref _inBackground : ref _inServer);
        }
    }

    public SchedulerStats Stats => new(
        Volatile.Read(ref _activeCount),
        Math.Max(0, Volatile.Read(ref _inServer) + Volatile.Read(ref _inBackground) - Volatile.Read(ref _activeCount)),
        Interlocked.Read(ref _steps),
        Interlocked.Read(ref _sharedSteps),
        Volatile.Read(ref _peak),
        Interlocked.Read(ref _tokens),
        Interlocked.Read(ref _completed),
        Interlocked.Read(ref _cancelled),
        Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _moves),
        Interlocked.Read(ref _prefixHits),
        Interlocked.Read(ref _prefixTokens),
        Volatile.Read(ref _backgroundActive),
        Math.Max(0, Volatile.Read(ref _inBackground) - Volatile.Read(ref _backgroundActive)),
        Interlocked.Read(ref _backgroundAdmitted));

    private void Run()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                Progress.Beat();
                RunBetweenSteps();
                DropCancelled();
                Admit();
                ResolveWaiters();
                Compact();
                if (_active.Count == 0)
                {
                    Progress.Idle();
                    _wake.Wait(_stopping.Token);
                    Progress.Busy();
                    continue;
                }
                Step();
                Progress.Beat();
                // Let threads waiting on LLamaSharp's process-wide decode lock in before the next step.
                Thread.Yield();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                ModelServerLog.LoopFailed(_logger, ex);
                FailAll("The model server failed while decoding; the request was not completed.");
            }
        }
        FailAll("The model server is shutting down.");
    }

    /// <summary>
    /// Runs other native work (embeddings) on the scheduler thread between two steps: LLamaSharp lets only
    /// one decode run per process, and a waiter for that lock could otherwise starve behind the loop.
    /// </summary>
    public Task<T> RunBetweenStepsAsync<T>(Func<T> work, CancellationToken cancellation)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _betweenSteps.Enqueue(() =>
        {
            if (cancellation.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellation);
                return;
            }
            try
            {
                done.TrySetResult(work());
            }
#pragma warning disable CA1031 // The failure belongs to the caller, handed over through the task.
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.TrySetException(e);
            }
        });
        _wake.Release();
        return done.Task;
    }

    private void RunBetweenSteps()
    {
        while (_betweenSteps.TryDequeue(out var work))
        {
            work();
        }
    }

    private void Admit()
    {
        while (TryNext(out var job))
        {
            if (job.Cancellation.IsCancellationRequested)
            {
                Interlocked.Increment(ref _cancelled);
                ReleaseSlot(job);
                job.Close();
                continue;
            }
            ActiveSequence active;
            var id = _freeSequences.Min;
            try
            {
                active = new ActiveSequence(job, (LLamaSeqId)id, _model);
            }
#pragma warning disable CA1031 // A request that cannot be set up fails alone.
            catch (Exception e)
#pragma warning restore CA1031
            {
                ModelServerLog.SequenceFailed(_logger, e);
                job.Emit(new GenerationEvent.Failed("The request could not start on this model."));
                ReleaseSlot(job);
                job.Close();
                continue;
            }
            _freeSequences.Remove(id);
            AddInOrder(active);
            Interlocked.Increment(ref _activeCount);
            if (job.Background)
            {
                Interlocked.Increment(ref _backgroundActive);
                Interlocked.Increment(ref _backgroundAdmitted);
            }
            _retained.Remove(id, out var own);
            PlanPrefix(active, own);
        }
    }

    /// <summary>
    /// The next job to admit into a free sequence: an interactive one while any waits; else a batch line, if a sequence
    /// stays free for the next interactive request (on a server with one sequence, lines may take it).
    /// </summary>
    private bool TryNext([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GenerationJob? job)
    {
        job = null;
        if (_freeSequences.Count == 0)
        {
            return false;
        }
        if (_queue.TryDequeue(out job))
        {
            return true;
        }
        var reserved = _model.Options.ParallelSequences > 1 ? 1 : 0;
        return _freeSequences.Count > reserved && _background.TryDequeue(out job);
    }

    /// <summary>
    /// Picks where a new sequence's prompt starts: after the longest prefix that a cache holds, its own sequence's
    /// (<paramref name="own"/>, trimmed in place), a free sequence's or a decoding request's (copied). A request still
    /// decoding that prefix is waited for, so concurrent requests with one system prompt decode it once. Only sequences
    /// that are not waiting themselves are waited for, so waits never form a cycle.
    /// </summary>
    private void PlanPrefix(ActiveSequence s, List<LLamaToken>? own)
    {
        var handle = _model.Context.NativeHandle;
        if (!_model.Options.PrefixCache || s.Job.Sampling.PromptLogprobs)
        {
            // Prompt log probabilities need every prompt position's logits, so such a prompt is decoded in full.
            handle.MemorySequenceRemove(s.Sequence, 0, -1);
            return;
        }
        var plan = PrefixReuse.Plan(s.Job.Prompt, own, Candidates(s));
        if (plan.From is not { } from)
        {
            handle.MemorySequenceRemove(s.Sequence, plan.Keep, -1);
            if (plan.Keep > 0)
            {
                Reuse(s, own!, plan.Keep);
            }
        }
        else if (_retained.TryGetValue(from, out var tokens))
        {
            CopyPrefix((LLamaSeqId)from, tokens, s, plan.Keep);
        }
        else
        {
            var source = _active.First(a => (int)a.Sequence == from);
            if (plan.Wait)
            {
                handle.MemorySequenceRemove(s.Sequence, 0, -1);
                (s.WaitFor, s.WaitKeep) = (source, plan.Keep);
            }
            else
            {
                CopyPrefix(source.Sequence, source.Cached, s, plan.Keep);
            }
        }
    }

    /// <summary>The caches <paramref name="s"/> may copy: free sequences' first, then those of requests not waiting themselves.</summary>
    private IEnumerable<PrefixCandidate> Candidates(ActiveSequence s)
    {
        foreach (var (id, tokens) in _retained)
        {
            yield return new PrefixCandidate(id, tokens, tokens.Count);
        }
        foreach (var a in _active)
        {
            if (a != s && a.WaitFor is null)
            {
                yield return new PrefixCandidate((int)a.Sequence, a.Prospective, a.Cached.Count);
            }
        }
    }

    /// <summary>Starts <paramref name="s"/> from the first <paramref name="keep"/> cells of another sequence's cache.</summary>
    private void CopyPrefix(LLamaSeqId from, IReadOnlyList<LLamaToken> tokens, ActiveSequence s, int keep)
    {
        var handle = _model.Context.NativeHandle;
        // Between per-sequence caches llama.cpp copies the whole cache (before the next decode); then the tail goes.
        handle.MemorySequenceRemove(s.Sequence, 0, -1);
        handle.MemorySequenceCopy(from, s.Sequence, 0, -1);
        handle.MemorySequenceRemove(s.Sequence, keep, -1);
        Reuse(s, tokens, keep);
    }

    private void Reuse(ActiveSequence s, IReadOnlyList<LLamaToken> tokens, int keep)
    {
        for (var i = 0; i < keep; i++)
        {
            s.Cached.Add(tokens[i]);
        }
        s.Prefilled = s.Position = s.ReusedTokens = keep;
        Interlocked.Increment(ref _prefixHits);
        Interlocked.Add(ref _prefixTokens, keep);
    }

    /// <summary>Copies the prefix into each waiting sequence whose source has decoded it; re-plans one whose source ended.</summary>
    private void ResolveWaiters()
    {
        foreach (var s in _active)
        {
            if (s.WaitFor is not { } source)
            {
                continue;
            }
            if (!_active.Contains(source))
            {
                s.WaitFor = null;
                PlanPrefix(s, own: null); // Its cache may be kept with its free sequence; else the prompt is decoded.
            }
            else if (source.Cached.Count >= s.WaitKeep)
            {
                s.WaitFor = null;
                CopyPrefix(source.Sequence, source.Cached, s, s.WaitKeep);
            }
        }
    }

    /// <summary>Keeps <see cref="_active"/> in sequence id order, the order the batch lists them in.</summary>
    private void AddInOrder(ActiveSequence sequence)
    {
        var at = _active.FindIndex(a => (int)a.Sequence > (int)sequence.Sequence);
        _active.Insert(at < 0 ? _active.Count : at, sequence);
    }

    /// <summary>
    /// With a KV cache per sequence, closes gaps in the busy ids by moving the highest sequence into the lowest free
    /// id: llama.cpp copies that sequence's cache before the next decode, and the step after is one pass again.
    /// Runs after admission, so a gap a queued request can take is never moved into.
    /// </summary>
    private void Compact()
    {
        if (_model.Options.SharedKvCache)
        {
            return;
        }
        while (_active.Count > 0 && _freeSequences.Count > 0 && _freeSequences.Min < (int)_active[^1].Sequence)
        {
            var moving = _active[^1];
            var from = moving.Sequence;
            var to = _freeSequences.Min;
            var handle = _model.Context.NativeHandle;
            handle.MemorySequenceCopy(from, (LLamaSeqId)to, 0, -1);
            handle.MemorySequenceRemove(from, 0, -1);
            _retained.Remove(to);
            _freeSequences.Remove(to);
            _freeSequences.Add((int)from);
            _active.RemoveAt(_active.Count - 1);
            moving.Sequence = (LLamaSeqId)to;
            AddInOrder(moving);
            Interlocked.Increment(ref _moves);
        }
    }

    private void DropCancelled()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            if (_active[i].Job.Cancellation.IsCancellationRequested)
            {
                Interlocked.Increment(ref _cancelled);
                Release(_active[i]);
            }
        }
    }

    private void Release(ActiveSequence sequence)
    {
        _active.Remove(sequence);
        // Kept for a later request with the same prefix; a shared cache drops it, as every token there attends over
        // every cell of the cache.
        if (_model.Options.PrefixCache && !_model.Options.SharedKvCache && sequence.Cached.Count > 0)
        {
            _retained[(int)sequence.Sequence] = sequence.Cached;
        }
        else
        {
            _model.Context.NativeHandle.MemorySequenceRemove(sequence.Sequence, 0, -1);
        }
        _freeSequences.Add((int)sequence.Sequence);
        // Admission's count first, the reported count last: once /health shows the sequence free, a new request
        // is admitted (a reader between the two would otherwise see it free and still be refused).
        ReleaseSlot(sequence.Job);
        if (sequence.Job.Background)
        {
            Interlocked.Decrement(ref _backgroundActive);
        }
        Interlocked.Decrement(ref _activeCount);
        sequence.Job.Close();
        sequence.Dispose();
    }

    private void FailAll(string message)
    {
        foreach (var sequence in _active.ToArray())
        {
            sequence.Job.Emit(new GenerationEvent.Failed(message));
            Release(sequence);
        }
        // After a failed decode the cache's contents are not known; nothing kept may be reused.
        _retained.Clear();
        _model.Context.NativeHandle.MemoryClear(true);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _thread.Join(TimeSpan.FromSeconds(5));
        _batch.Clear();
    }
}
