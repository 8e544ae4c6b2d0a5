using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Cli.Agents;
using Gateway.Cli.Craft;
using Gateway.Cli.Inference;
using Gateway.Cli.Routing;
using Gateway.State;

namespace Gateway.Cli;

/// <summary>
/// Verbs of the gateway executable. Without a verb the executable serves; with one of these it
/// runs the verb and exits.
/// </summary>
public static class GatewayCli
{
    /// <summary>
    /// The command tree of every verb (<c>keys</c>, <c>router</c>, <c>model</c>, <c>aptitude</c>, <c>toolset</c>,
    /// <c>tools</c>, <c>agents</c>), newly built on each call so a caller can parse it or inspect its verbs without sharing state.
    /// </summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Gateway: an OpenAI-compatible LLM gateway with a learned router. Run without a verb to serve (e.g. --urls http://0.0.0.0:8080).");
        root.Subcommands.Add(CreateKeysCommand());
        root.Subcommands.Add(RouterCommands.Create());
        root.Subcommands.Add(InferenceCommands.CreateModelCommand());
        root.Subcommands.Add(AptitudeCommands.Create());
        root.Subcommands.Add(ToolsetCommands.Create());
        root.Subcommands.Add(ToolsCommand.Create());
        root.Subcommands.Add(AgentsCommand.Create());
        return root;
    }

    /// <summary>True when the arguments name a verb (or ask for help) rather than server options.</summary>
    public static bool Handles(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            return false;
        }

        return args[0] is "--help" or "-h" or "-?" || CreateRootCommand().Subcommands.Any(c => c.Name == args[0]);
    }

    /// <summary>
    /// Parses and runs a verb, returning the process exit code (0 on success). The host calls it when
    /// <see cref="Handles"/> is true; tests call it in process to drive the verbs.
    /// </summary>
    public static Task<int> InvokeAsync(string[] args) => CreateRootCommand().Parse(args).InvokeAsync();

    private static Command CreateKeysCommand()
    {
        var keys = new Command("keys", "Create virtual API keys and the hashes the gateway stores.");

        var keyOption = new Option<string>("--key") { Description = "The API key to hash.", Required = true };
        var hash = new Command("hash", "Print the SHA-256 to put in Gateway:Keys:<name>:Hash for an existing key.") { keyOption };
        hash.SetAction(parse =>
        {
            Console.Out.WriteLine("sha256:" + KeyHasher.Hash(parse.GetValue(keyOption)!));
            return 0;
        });

        var nameOption = new Option<string>("--name") { Description = "Name of the key (its config section).", Required = true };
        var modelsOption = new Option<string[]>("--models") { Description = "Models the key may use (default: all).", AllowMultipleArgumentsPerToken = true };
        var adminOption = new Option<bool>("--admin") { Description = "Allow admin endpoints." };
        var create = new Command("new", "Generate a new random key and print it with its config entry.") { nameOption, modelsOption, adminOption };
        create.SetAction(parse =>
        {
            var key = "sk-gw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            var entry = new Dictionary<string, object>
            {
                ["Hash"] = "sha256:" + KeyHasher.Hash(key),
                ["Models"] = parse.GetValue(modelsOption) ?? [],
                ["Admin"] = parse.GetValue(adminOption),
            };
            var section = new { Gateway = new { Keys = new Dictionary<string, object> { [parse.GetValue(nameOption)!] = entry } } };
            Console.Out.WriteLine($"key: {key}");
            Console.Out.WriteLine("Add to a file in config/ (the key itself is not stored):");
            Console.Out.WriteLine(JsonSerializer.Serialize(section, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });

        keys.Subcommands.Add(hash);
        keys.Subcommands.Add(create);
        return keys;
    }
}
