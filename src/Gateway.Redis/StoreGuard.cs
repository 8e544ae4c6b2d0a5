using Gateway.State;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Redis;

/// <summary>
/// One store's answer to a Redis failure: counts it through <see cref="IStateStoreEvents"/>, logs
/// it at most once per interval (with how many were not logged), and tells the store its policy.
/// </summary>
internal sealed partial class StoreGuard(
    RedisConnection redis, string store, StateFailurePolicy policy, RedisStateOptions options, IStateStoreEvents events, ILogger logger, TimeProvider time)
{
    private long _nextLogTimestamp = long.MinValue;
    private long _suppressed;

    public string Store => store;

    public bool FailsOpen => policy == StateFailurePolicy.FailOpen;

    /// <summary>Redis and transport failures; never the caller's own cancellation.</summary>
    public static bool IsStoreFailure(Exception exception) =>
        exception is RedisException or TimeoutException or RedisPausedException or ObjectDisposedException or IOException;

    /// <summary>Counts and logs a failure handled by the configured policy.</summary>
    public void Failed(Exception exception) => Failed(exception, FailsOpen);

    /// <summary>Counts and logs a failure, then returns the exception that refuses the call.</summary>
    public StateStoreUnavailableException Refuse(Exception exception)
    {
        Failed(exception, failOpen: false);
        return new StateStoreUnavailableException(store, exception);
    }

    private void Failed(Exception exception, bool failOpen)
    {
        redis.OnFailure(exception);
        var policyName = failOpen ? StateStoreNames.FailOpen : StateStoreNames.FailClosed;
        events.OnStoreError(store, policyName);

        var now = time.GetTimestamp();
        var due = Interlocked.Read(ref _nextLogTimestamp);
        var next = now + (long)(options.ErrorLogInterval.TotalSeconds * time.TimestampFrequency);
        if (now < due || Interlocked.CompareExchange(ref _nextLogTimestamp, next, due) != due)
        {
            Interlocked.Increment(ref _suppressed);
            return;
        }

        StoreFailed(logger, store, policyName, Interlocked.Exchange(ref _suppressed, 0), exception.GetType().Name, exception.Message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Store} store failed and applies {Policy} ({Suppressed} more failures since the last warning): {ErrorType}: {Error}")]
    private static partial void StoreFailed(ILogger logger, string store, string policy, long suppressed, string errorType, string error);
}
