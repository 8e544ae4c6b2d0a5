using System.CommandLine;
using Gateway.Craft.Toolsets;
using Gateway.Redis;
using Gateway.Redis.Toolsets;

namespace Gateway.Cli.Craft;

/// <summary>Options the toolset verbs share and the store they open.</summary>
internal static class CraftCliCommon
{
    public const string DefaultGateway = "http://localhost:8080";
    public const string RedisVariable = "Gateway__Redis__ConnectionString";

    public static Option<string> ToolsetsOption() => new("--toolsets")
    {
        Description = "Folder of toolsets (used when no Redis is given).",
        DefaultValueFactory = _ => FileToolsetStore.DefaultRoot,
    };

    public static Option<string?> RedisOption() => new("--redis")
    {
        Description = $"Redis connection string: store toolsets there instead of the folder (default: ${RedisVariable}).",
    };

    public static Option<string> PrefixOption() => new("--redis-prefix")
    {
        Description = "Prefix of the Redis keys.",
        DefaultValueFactory = _ => "gateway:",
    };

    public static Argument<string> NameArgument() => new("name") { Description = "The toolset's name." };

    /// <summary>Adds the store options to a command and returns a function that opens the chosen store.</summary>
    public static Func<ParseResult, IToolsetStore> AddStoreOptions(Command command)
    {
        var toolsets = ToolsetsOption();
        var redis = RedisOption();
        var prefix = PrefixOption();
        command.Options.Add(toolsets);
        command.Options.Add(redis);
        command.Options.Add(prefix);
        return parse =>
        {
            var connection = parse.GetValue(redis) ?? Environment.GetEnvironmentVariable(RedisVariable);
            if (string.IsNullOrWhiteSpace(connection))
            {
                return new FileToolsetStore(parse.GetValue(toolsets)!);
            }

            return RedisToolsets.Open(new RedisStateOptions { ConnectionString = connection, Prefix = parse.GetValue(prefix)! });
        };
    }

    public static void ValidateName(Argument<string> argument) => argument.Validators.Add(r =>
    {
        if (!Toolset.IsValidName(r.GetValueOrDefault<string>()))
        {
            r.AddError("A toolset name is a letter, then letters, digits or '_' (at most 64).");
        }
    });

    public static void ValidateName(Option<string> option) => option.Validators.Add(r =>
    {
        if (!Toolset.IsValidName(r.GetValueOrDefault<string>()))
        {
            r.AddError("A toolset name is a letter, then letters, digits or '_' (at most 64).");
        }
    });

    public static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError($"{option.Name} must be at least 1.");
            }
        });
        return option;
    }
}
