using System.ComponentModel.DataAnnotations;
using Gateway.Craft.Toolsets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Redis.Toolsets;

/// <summary>Toolsets in Redis for a program without the gateway's services, such as the <c>toolset</c> verbs.</summary>
public static class RedisToolsets
{
    /// <summary>
    /// The toolsets the gateways on <paramref name="options"/>' Redis and prefix share, over a connection of its own
    /// made as the gateway makes its one (<see cref="RedisStateOptions"/>, validated the same way).
    /// </summary>
    /// <exception cref="ValidationException">An option is out of its range.</exception>
    public static IToolsetStore Open(RedisStateOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        time ??= TimeProvider.System;
        var connection = new RedisConnection(Options.Create(options), time, (loggers ?? NullLoggerFactory.Instance).CreateLogger<RedisConnection>());
        return new RedisToolsetStore(connection, time);
    }
}
