using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Redis;

/// <summary>
/// The one <see cref="ConnectionMultiplexer"/> every Redis store shares. It never gives up: a
/// Redis that is down at start or goes away later is reconnected in the background, while
/// commands fail fast (no backlog) so each store's failure policy applies at once.
/// </summary>
internal sealed partial class RedisConnection : IDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _pauseTicks;
    private long _pausedUntil = long.MinValue;

    public RedisConnection(IOptions<RedisStateOptions> options, TimeProvider time, ILogger<RedisConnection> logger)
    {
        var settings = options.Value;
        _logger = logger;
        _time = time;
        _pauseTicks = (long)(settings.PauseAfterTimeout.TotalSeconds * time.TimestampFrequency);
        Prefix = settings.Prefix;
        var configuration = ConfigurationOptions.Parse(settings.ConnectionString ?? throw new InvalidOperationException("Gateway:Redis:ConnectionString is not set."));
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = (int)settings.ConnectTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)settings.OperationTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)settings.OperationTimeout.TotalMilliseconds;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 5_000);
        configuration.ClientName ??= "gateway";

        Multiplexer = ConnectionMultiplexer.Connect(configuration);
        Multiplexer.ConnectionFailed += (_, e) => ConnectionLost(_logger, e.EndPoint, e.FailureType);
        Multiplexer.ConnectionRestored += (_, e) => ConnectionBack(_logger, e.EndPoint);
        if (!Multiplexer.IsConnected)
        {
            NotConnectedAtStart(_logger, configuration.ToString(includePassword: false));
        }
    }

    public IConnectionMultiplexer Multiplexer { get; }

    public string Prefix { get; }

    /// <summary>The database to command; throws <see cref="RedisPausedException"/> while paused after a timeout.</summary>
    public IDatabase Database
    {
        get
        {
            if (_time.GetTimestamp() < Volatile.Read(ref _pausedUntil))
            {
                throw new RedisPausedException();
            }

            return Multiplexer.GetDatabase();
        }
    }

    /// <summary>
    /// After a timeout, stops asking Redis for <see cref="RedisStateOptions.PauseAfterTimeout"/>: a
    /// Redis that hangs (rather than drops the connection) would otherwise cost every request the
    /// whole operation timeout before the store's policy applies.
    /// </summary>
    public void OnFailure(Exception exception)
    {
        if (exception is TimeoutException && _pauseTicks > 0)
        {
            Volatile.Write(ref _pausedUntil, _time.GetTimestamp() + _pauseTicks);
        }
    }

    public RedisKey Key(string suffix) => Prefix + suffix;

    public void Dispose() => Multiplexer.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} lost ({FailureType}); reconnecting in the background.")]
    private static partial void ConnectionLost(ILogger logger, System.Net.EndPoint? endPoint, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection to {EndPoint} restored.")]
    private static partial void ConnectionBack(ILogger logger, System.Net.EndPoint? endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis ({Configuration}) is not reachable at start; state stores apply their failure policies until it is.")]
    private static partial void NotConnectedAtStart(ILogger logger, string configuration);
}

/// <summary>Raised instead of a command while the stores leave a hanging Redis alone.</summary>
internal sealed class RedisPausedException() : Exception("Redis timed out recently; not asked again until the pause ends.");
