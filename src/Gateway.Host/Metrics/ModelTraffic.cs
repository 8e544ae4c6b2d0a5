using System.Collections.Concurrent;

namespace Gateway.Host.Metrics;

/// <summary>
/// Requests, errors and tokens per model over the last minute, for this gateway instance (the
/// Prometheus series are cumulative and process-wide; rates are for the operator console).
/// One bucket per second in a ring of <see cref="WindowSeconds"/>.
/// </summary>
internal sealed class ModelTraffic
{
    public const int WindowSeconds = 60;

    private readonly ConcurrentDictionary<string, Ring> _models = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public ModelTraffic(TimeProvider time) => _time = time;

    /// <summary>Counts one answered request; a status of 400 or more counts as an error.</summary>
    public void Record(string model, int status, long tokens) =>
        _models.GetOrAdd(model, static _ => new Ring()).Add(Second(), status >= 400, tokens);

    /// <summary>Totals over the last minute; zero for a model that saw no traffic.</summary>
    public TrafficRate Rate(string model) =>
        _models.TryGetValue(model, out var ring) ? ring.Sum(Second()) : default;

    private long Second() => _time.GetUtcNow().ToUnixTimeSeconds();

    private sealed class Ring
    {
        private readonly long[] _seconds = new long[WindowSeconds];
        private readonly long[] _requests = new long[WindowSeconds];
        private readonly long[] _errors = new long[WindowSeconds];
        private readonly long[] _tokens = new long[WindowSeconds];
        private readonly Lock _lock = new();

        public void Add(long second, bool error, long tokens)
        {
            var i = (int)(second % WindowSeconds);
            lock (_lock)
            {
                if (_seconds[i] != second)
                {
                    _seconds[i] = second;
                    _requests[i] = 0;
                    _errors[i] = 0;
                    _tokens[i] = 0;
                }

                _requests[i]++;
                _errors[i] += error ? 1 : 0;
                _tokens[i] += tokens;
            }
        }

        public TrafficRate Sum(long now)
        {
            long requests = 0, errors = 0, tokens = 0;
            lock (_lock)
            {
                for (var i = 0; i < WindowSeconds; i++)
                {
                    if (now - _seconds[i] < WindowSeconds)
                    {
                        requests += _requests[i];
                        errors += _errors[i];
                        tokens += _tokens[i];
                    }
                }
            }

            return new TrafficRate(requests, errors, tokens);
        }
    }
}

/// <summary>Requests, errors (status 400 and above) and tokens in the last minute.</summary>
internal readonly record struct TrafficRate(long Requests, long Errors, long Tokens);
