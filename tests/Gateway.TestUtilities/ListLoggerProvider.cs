using System.Collections.Concurrent;

namespace Gateway.TestUtilities;

/// <summary>
/// Keeps the most recent log lines in memory so a failing test can show what the system said, and lets a test wait
/// for a line: what the system logs when it does something (or refuses to) is a signal to wait on.
/// </summary>
public sealed class ListLoggerProvider(int capacity = 500) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Lock _lock = new();
    private readonly List<Waiter> _waiters = [];

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Tail(int count = 60) => string.Join("\n", _lines.ToArray().TakeLast(count));

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    /// <summary>
    /// Completes with the <paramref name="times"/>-th line that satisfies <paramref name="match"/>, counting those still
    /// kept: at once when there are as many, else when the last of them is logged.
    /// </summary>
    public Task<string> WhenLoggedAsync(Func<string, bool> match, int times = 1)
    {
        lock (_lock)
        {
            var seen = _lines.Where(match).ToList();
            if (seen.Count >= times)
            {
                return Task.FromResult(seen[times - 1]);
            }

            var waiter = new Waiter(match, times - seen.Count);
            _waiters.Add(waiter);
            return waiter.Signal.Task;
        }
    }

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (_lock)
        {
            _lines.Enqueue(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line) && --_waiters[i].Remaining == 0)
                {
                    _waiters[i].Signal.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }

        while (_lines.Count > capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Waiter(Func<string, bool> match, int remaining)
    {
        public Func<string, bool> Match { get; } = match;

        public int Remaining { get; set; } = remaining;

        public TaskCompletionSource<string> Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
    }
}
