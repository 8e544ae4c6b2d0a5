using System.Collections.Concurrent;

namespace Gateway.Bench.Soak;

/// <summary>
/// What one key's callers were answered and served, from the callers' side: the usage they saw, and where they saw
/// none, what the gateway's documented rules say it should charge (see <see cref="Report.Method"/>).
/// </summary>
internal sealed class KeyLedger(string name, string role)
{
    private long _requests;
    private long _usageSeen;
    private long _hangUpEstimate;
    private long _refusalEstimate;
    private long _hangUps;

    public string Name { get; } = name;

    /// <summary>What the key is for: good traffic, or the attacks it carries.</summary>
    public string Role { get; } = role;

    public ConcurrentDictionary<int, long> Statuses { get; } = new();

    /// <summary>Completed streams to the mock whose usage the caller did not ask for: their truth is what the mock reported.</summary>
    public ConcurrentBag<string> UsagelessRequests { get; } = [];

    public long Requests => Interlocked.Read(ref _requests);

    public long UsageSeen => Interlocked.Read(ref _usageSeen);

    public long HangUpEstimate => Interlocked.Read(ref _hangUpEstimate);

    public long RefusalEstimate => Interlocked.Read(ref _refusalEstimate);

    public long HangUps => Interlocked.Read(ref _hangUps);

    public void Record(Outcome outcome)
    {
        Interlocked.Increment(ref _requests);
        Statuses.AddOrUpdate(outcome.Status, 1, (_, n) => n + 1);
        if (outcome.Usage is { } usage)
        {
            Interlocked.Add(ref _usageSeen, usage);
        }
        else if (outcome.HungUp)
        {
            Interlocked.Increment(ref _hangUps);
            Interlocked.Add(ref _hangUpEstimate, outcome.Estimate);
            if (outcome.ToMock)
            {
                HungUpOnMock.Add(outcome.RequestId);
            }
        }
        else if (outcome.Status >= 400 && outcome.ReachedModel)
        {
            Interlocked.Add(ref _refusalEstimate, outcome.Estimate);
        }
        else if (outcome.Status == 200 && outcome.Streamed && outcome.ToMock)
        {
            UsagelessRequests.Add(outcome.RequestId);
        }
    }

    /// <summary>Hang-ups from streams of the mock: whether the mock still finished each (and reported its usage) is known.</summary>
    public ConcurrentBag<string> HungUpOnMock { get; } = [];

    /// <summary>Hang-ups whose stream the mock finished anyway, usage chunk included: the gateway read on after the caller left.</summary>
    public int HangUpsFinishedUpstream(MockUpstream mock) => HungUpOnMock.Count(mock.Reported.ContainsKey);

    /// <summary>Tokens of the usage-less streams as the mock counted them.</summary>
    public long UpstreamCounted(MockUpstream mock) => UsagelessRequests.Sum(id => mock.Reported.TryGetValue(id, out var tokens) ? tokens : 0);

    public long Served(MockUpstream mock) => UsageSeen + UpstreamCounted(mock) + HangUpEstimate + RefusalEstimate;
}

/// <summary>
/// One answer as the caller saw it: its status, the usage it carried (null when none), whether the caller hung up,
/// and the documented estimate of what it was served where it carried no usage.
/// </summary>
internal sealed record Outcome(string RequestId, int Status, long? Usage, bool HungUp, long Estimate, bool ReachedModel, bool Streamed, bool ToMock, string Text)
{
    public static Outcome Failed(string requestId, string error) => new(requestId, 0, null, false, 0, false, false, false, error);
}
