namespace Gateway.TestUtilities;

/// <summary>
/// Counts, by path, the requests a host has finished handling: its outermost middleware has returned, so every
/// step after the answer (the front door's accounting: limits settled, metrics counted, feedback recorded) is done.
/// A client may hold its whole answer a moment before that; a test that reads what the accounting wrote waits here.
/// </summary>
public sealed class FinishedRequests : IStartupFilter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly List<(string Path, int Count, TaskCompletionSource Signal)> _waiters = [];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            try
            {
                await inner(context);
            }
            finally
            {
                Finished(path);
            }
        });
        next(app);
    };

    /// <summary>How many requests to <paramref name="path"/> have finished.</summary>
    public int Count(string path)
    {
        lock (_lock)
        {
            return _counts.GetValueOrDefault(path);
        }
    }

    /// <summary>Completes once <paramref name="count"/> requests to <paramref name="path"/> have finished (at once if they have).</summary>
    public Task WhenFinishedAsync(string path, int count = 1)
    {
        lock (_lock)
        {
            if (_counts.GetValueOrDefault(path) >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((path, count, signal));
            return signal.Task;
        }
    }

    private void Finished(string path)
    {
        lock (_lock)
        {
            var count = _counts[path] = _counts.GetValueOrDefault(path) + 1;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Path == path && _waiters[i].Count <= count)
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
