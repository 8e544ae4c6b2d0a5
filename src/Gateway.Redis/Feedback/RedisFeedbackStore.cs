using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Gateway.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Redis.Feedback;

/// <summary>
/// Request records as JSON strings that expire after their time to live, and scored outcomes in
/// one list trimmed to <see cref="StateOptions.FeedbackMaxOutcomes"/>. Scoring copies the record
/// into the outcome inside Redis, so an outcome never points at an expired record.
/// </summary>
internal sealed class RedisFeedbackStore(
    RedisConnection redis, IOptions<RedisStateOptions> options, IOptions<StateOptions> bounds, TimeProvider time, IStateStoreEvents events, ILogger<RedisFeedbackStore> logger)
    : IFeedbackStore
{
    private const int ExportPage = 500;

    /// <summary>
    /// KEYS: the request record, the outcomes list. ARGV: score, scored-at, most outcomes kept, the scoring key's id
    /// (empty for an admin, who may score any record).
    /// </summary>
    private const string AddFeedbackScript = """
        local record = redis.call('GET', KEYS[1])
        if not record then return 0 end
        if ARGV[4] ~= '' and cjson.decode(record)['key_id'] ~= ARGV[4] then return 0 end
        redis.call('RPUSH', KEYS[2], '{"request":' .. record .. ',"score":' .. ARGV[1] .. ',"scored_at":"' .. ARGV[2] .. '"}')
        redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
        return 1
        """;

    /// <summary>
    /// KEYS: the request record. ARGV: the record's JSON, its key's id, time to live in ms. Stores the record unless
    /// one of the same id made by another key is still there.
    /// </summary>
    private const string RecordScript = """
        local existing = redis.call('GET', KEYS[1])
        if existing then
          local owner = cjson.decode(existing)['key_id']
          if owner == nil or owner == cjson.null then owner = '' end
          if owner ~= ARGV[2] then return 0 end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
        return 1
        """;

    private readonly StoreGuard _guard = new(redis, StateStoreNames.Feedback, options.Value.Feedback, options.Value, events, logger, time);
    private readonly int _maxOutcomes = bounds.Value.FeedbackMaxOutcomes;

    public async ValueTask RecordRequestAsync(RequestRecord record, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        try
        {
            await redis.Database.ScriptEvaluateAsync(RecordScript, [RequestKey(record.RequestId)],
            [
                JsonSerializer.Serialize(record, StateJsonContext.Default.RequestRecord),
                record.KeyId ?? string.Empty,
                Math.Max(1, (long)timeToLive.TotalMilliseconds),
            ]);
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            if (!_guard.FailsOpen)
            {
                throw _guard.Refuse(ex);
            }

            _guard.Failed(ex);
        }
    }

    public async ValueTask<bool> AddFeedbackAsync(string requestId, double score, string? keyId, CancellationToken cancellationToken)
    {
        // The score is spliced into JSON inside Redis: only a finite number in [0,1] may get there.
        ArgumentOutOfRangeException.ThrowIfLessThan(score, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(score, 1);
        try
        {
            var added = await redis.Database.ScriptEvaluateAsync(AddFeedbackScript, [RequestKey(requestId), OutcomesKey],
            [
                score.ToString("R", CultureInfo.InvariantCulture),
                time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                _maxOutcomes,
                keyId ?? string.Empty,
            ]);
            return (long)added == 1;
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            throw _guard.Refuse(ex);
        }
    }

    public async IAsyncEnumerable<FeedbackOutcome> ExportAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (long start = 0; ; start += ExportPage)
        {
            RedisValue[] page;
            try
            {
                page = await redis.Database.ListRangeAsync(OutcomesKey, start, start + ExportPage - 1);
            }
            catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
            {
                throw _guard.Refuse(ex);
            }

            foreach (var value in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (JsonSerializer.Deserialize((string)value!, StateJsonContext.Default.FeedbackOutcome) is { } outcome)
                {
                    yield return outcome;
                }
            }

            if (page.Length < ExportPage)
            {
                yield break;
            }
        }
    }

    private RedisKey OutcomesKey => redis.Key("feedback:outcomes");

    private RedisKey RequestKey(string requestId) => redis.Key("feedback:request:" + requestId);
}
