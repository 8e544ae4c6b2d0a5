using System.Diagnostics;
using OpenTelemetry;

namespace Gateway.TestUtilities.Telemetry;

/// <summary>
/// An exporter that keeps every span it is given and lets a test wait for one (a signal, not the clock). Used with a
/// simple (synchronous) processor, a span is here as soon as it ends.
/// </summary>
public sealed class SignalingSpanExporter : BaseExporter<Activity>
{
    private readonly object _gate = new();
    private readonly List<Activity> _spans = [];
    private readonly List<(Func<Activity, bool> Match, TaskCompletionSource<Activity> Found)> _waiters = [];

    /// <summary>A copy of the spans exported so far.</summary>
    public IReadOnlyList<Activity> Spans
    {
        get
        {
            lock (_gate)
            {
                return [.. _spans];
            }
        }
    }

    /// <summary>The spans of one trace exported so far.</summary>
    public IReadOnlyList<Activity> Trace(ActivityTraceId traceId) => [.. Spans.Where(s => s.TraceId == traceId)];

    public Task<Activity> WaitForAsync(Func<Activity, bool> match)
    {
        lock (_gate)
        {
            if (_spans.FirstOrDefault(match) is { } seen)
            {
                return Task.FromResult(seen);
            }

            var found = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task;
        }
    }

    public override ExportResult Export(in Batch<Activity> batch)
    {
        lock (_gate)
        {
            foreach (var span in batch)
            {
                _spans.Add(span);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Match(span))
                    {
                        _waiters[i].Found.TrySetResult(span);
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }

        return ExportResult.Success;
    }
}
