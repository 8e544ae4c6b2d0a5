using Microsoft.Extensions.Time.Testing;

namespace Gateway.TestUtilities;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells a test when the code under test has armed a timer (a
/// <c>Task.Delay</c>, a timed <c>CancellationTokenSource</c>, a Polly delay or timeout, a supervision loop's
/// interval). A test advances time only once something waits on it: advanced a moment too early, the time
/// passes before the timer is armed and the timer never fires.
/// </summary>
public sealed class TimerAwareTimeProvider : FakeTimeProvider
{
    /// <summary>A Monday morning, well inside its minute: a test that never advances past a minute stays in one window.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 3, 2, 10, 0, 15, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private readonly Dictionary<WatchedTimer, TimeSpan> _armed = [];
    private readonly List<(Func<TimeSpan, bool> Match, TaskCompletionSource Signal)> _waiters = [];

    public TimerAwareTimeProvider()
        : this(DefaultStart)
    {
    }

    public TimerAwareTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>
    /// Completes once a timer whose due time satisfies <paramref name="match"/> is armed and has neither fired nor
    /// been disposed: at once when one is armed now.
    /// </summary>
    public Task WhenTimerArmedAsync(Func<TimeSpan, bool> match)
    {
        lock (_lock)
        {
            if (_armed.Values.Any(match))
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, signal));
            return signal.Task;
        }
    }

    /// <summary>Completes once a timer due in exactly <paramref name="dueTime"/> is armed (see the overload).</summary>
    public Task WhenTimerArmedAsync(TimeSpan dueTime) => WhenTimerArmedAsync(d => d == dueTime);

    /// <summary>
    /// Completes once a timer due in exactly <paramref name="dueTime"/> is armed after this call: one that a test's
    /// own action arms, told apart from a background loop's that happens to be waiting as long already.
    /// </summary>
    public Task WhenNextTimerArmedAsync(TimeSpan dueTime)
    {
        lock (_lock)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((d => d == dueTime, signal));
            return signal.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(this, callback) { Period = period };
        var fired = timer.Fired;
        timer.Inner = base.CreateTimer(timer.Fire, state, dueTime, period);
        OnArmed(timer, dueTime, fired);
        return timer;
    }

    private void OnArmed(WatchedTimer timer, TimeSpan dueTime, long firedBefore)
    {
        lock (_lock)
        {
            // A timer due at once has fired inside the call that armed it; one disarmed waits for nothing.
            if (timer.Fired != firedBefore || dueTime <= TimeSpan.Zero || dueTime == Timeout.InfiniteTimeSpan)
            {
                _armed.Remove(timer);
                return;
            }

            _armed[timer] = dueTime;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(dueTime))
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private void OnFired(WatchedTimer timer, TimeSpan period)
    {
        lock (_lock)
        {
            timer.Fired++;
            _armed.Remove(timer);
        }

        if (period > TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            OnArmed(timer, period, timer.Fired);
        }
    }

    private void OnDisposed(WatchedTimer timer)
    {
        lock (_lock)
        {
            _armed.Remove(timer);
        }
    }

    private sealed class WatchedTimer(TimerAwareTimeProvider owner, TimerCallback callback) : ITimer
    {
        public TimeSpan Period { get; set; } = Timeout.InfiniteTimeSpan;

        public ITimer Inner { get; set; } = null!;

        /// <summary>How often it fired; read and written under the owner's lock.</summary>
        public long Fired { get; set; }

        public void Fire(object? state)
        {
            owner.OnFired(this, Period);
            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            long fired;
            lock (owner._lock)
            {
                fired = Fired;
            }

            Period = period;
            var changed = Inner.Change(dueTime, period);
            owner.OnArmed(this, dueTime, fired);
            return changed;
        }

        public void Dispose()
        {
            owner.OnDisposed(this);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            owner.OnDisposed(this);
            return Inner.DisposeAsync();
        }
    }
}
