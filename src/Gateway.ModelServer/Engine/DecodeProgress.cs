namespace Gateway.ModelServer.Engine;

/// <summary>
/// When the decode loop last moved: it beats each time round, after each decode step, and when it wakes for new
/// work. With work waiting (a sequence decoding or a request queued), a beat older than the stall timeout means the
/// loop is stuck (a decode that never returns, a loop that no longer runs); <c>/health</c> and <c>/alive</c> say so.
/// </summary>
internal sealed class DecodeProgress(TimeProvider time)
{
    private long _lastBeat = time.GetTimestamp();
    private volatile bool _idle = true;

    /// <summary>The loop made progress.</summary>
    public void Beat() => Interlocked.Exchange(ref _lastBeat, time.GetTimestamp());

    /// <summary>The loop waits for work: no beats are due until work arrives.</summary>
    public void Idle() => _idle = true;

    /// <summary>The loop woke.</summary>
    public void Busy()
    {
        _idle = false;
        Beat();
    }

    /// <summary>
    /// Work was queued. An idle loop's last beat may be long past; the clock starts now, so the wait for the loop to
    /// wake is never taken for a stall. A busy loop's clock keeps running: new work does not hide a stuck step.
    /// </summary>
    public void WorkArrived()
    {
        if (_idle)
        {
            Beat();
        }
    }

    /// <summary>Time since the loop last made progress.</summary>
    public TimeSpan SinceLastBeat => time.GetElapsedTime(Interlocked.Read(ref _lastBeat));

    /// <summary>Work is waiting and the loop has not moved for longer than <paramref name="timeout"/>.</summary>
    public bool IsStalled(bool workWaiting, TimeSpan timeout) => workWaiting && SinceLastBeat > timeout;
}
