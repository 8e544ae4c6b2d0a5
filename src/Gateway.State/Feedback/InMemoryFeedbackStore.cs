using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace Gateway.State.Feedback;

/// <summary>
/// Request records and scores in process memory. Records expire after their time to live and
/// the oldest go first past <see cref="StateOptions.FeedbackMaxRequests"/>; scored outcomes are
/// kept for export up to <see cref="StateOptions.FeedbackMaxOutcomes"/>, oldest dropped first.
/// </summary>
internal sealed class InMemoryFeedbackStore(IOptions<StateOptions> options, TimeProvider time) : IFeedbackStore
{
    private readonly int _maxRequests = options.Value.FeedbackMaxRequests;
    private readonly int _maxOutcomes = options.Value.FeedbackMaxOutcomes;
    private readonly Dictionary<string, (RequestRecord Record, DateTimeOffset ExpiresAt)> _requests = new(StringComparer.Ordinal);
    private readonly Queue<string> _arrival = new();
    private readonly Queue<FeedbackOutcome> _outcomes = new();
    private readonly Lock _lock = new();

    public ValueTask RecordRequestAsync(RequestRecord record, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_requests.TryGetValue(record.RequestId, out var existing))
            {
                if (existing.ExpiresAt > now && existing.Record.KeyId != record.KeyId)
                {
                    return ValueTask.CompletedTask;
                }
            }
            else
            {
                _arrival.Enqueue(record.RequestId);
            }

            _requests[record.RequestId] = (record, now + timeToLive);
            Trim(now);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> AddFeedbackAsync(string requestId, double score, string? keyId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(score, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(score, 1);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_requests.TryGetValue(requestId, out var entry) || entry.ExpiresAt <= now || (keyId is not null && entry.Record.KeyId != keyId))
            {
                return ValueTask.FromResult(false);
            }

            _outcomes.Enqueue(new FeedbackOutcome(entry.Record, score, now));
            while (_outcomes.Count > _maxOutcomes)
            {
                _outcomes.Dequeue();
            }

            return ValueTask.FromResult(true);
        }
    }

    public async IAsyncEnumerable<FeedbackOutcome> ExportAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        FeedbackOutcome[] snapshot;
        lock (_lock)
        {
            snapshot = [.. _outcomes];
        }

        foreach (var outcome in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return outcome;
        }

        await Task.CompletedTask;
    }

    private void Trim(DateTimeOffset now)
    {
        // Arrival order approximates expiry order (one time to live is used in practice), so the
        // front of the queue holds what to drop: expired records, then the oldest past the bound.
        while (_arrival.TryPeek(out var oldest))
        {
            var stale = !_requests.TryGetValue(oldest, out var entry);
            if (!stale && entry.ExpiresAt > now && _requests.Count <= _maxRequests)
            {
                break;
            }

            _arrival.Dequeue();
            if (!stale)
            {
                _requests.Remove(oldest);
            }
        }
    }
}
