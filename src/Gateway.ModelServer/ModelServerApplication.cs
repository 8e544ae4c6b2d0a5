using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Gateway.ModelServer.Api;
using Gateway.ModelServer.Engine;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.ModelServer;

/// <summary>
/// One model behind the OpenAI API on loopback. The model loads before the port opens; a model that
/// cannot load ends the process with exit code 2 and the reason on stderr. Once listening, the process
/// prints <c>modelserver listening URL</c> on stdout, which is how a supervisor learns its port.
/// </summary>
public static class ModelServerApplication
{
    public const string ListeningPrefix = "modelserver listening ";
    public const int LoadFailedExitCode = 2;

    /// <summary>Exit code when the server would listen beyond loopback without an API key.</summary>
    public const int NoApiKeyExitCode = 3;
    public const string EnvironmentPrefix = "GATEWAY_MODELSERVER_";

    /// <summary>The variable that carries <see cref="ModelServerOptions.ApiKey"/> (a supervising gateway sets a fresh one per launch).</summary>
    public const string ApiKeyVariable = EnvironmentPrefix + "API_KEY";

    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--model"] = "ModelServer:Path",
        ["--name"] = "ModelServer:Name",
        ["--ctx"] = "ModelServer:ContextSize",
        ["--parallel"] = "ModelServer:ParallelSequences",
        ["--queue"] = "ModelServer:QueueLimit",
        ["--gpu-layers"] = "ModelServer:GpuLayers",
        ["--threads"] = "ModelServer:Threads",
        ["--native-lib"] = "ModelServer:NativeLibraryPath",
        ["--chat-template"] = "ModelServer:ChatTemplate",
        ["--json-grammar"] = "ModelServer:JsonGrammar",
        ["--tool-format"] = "ModelServer:ToolFormat",
        ["--parent-pid"] = "ModelServer:ParentProcessId",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // A model server runs beside the gateway, in its folder and with its environment, whose appsettings.json,
        // Kestrel endpoints and variables are not meant for it: it reads only its command line and GATEWAY_MODELSERVER_ variables.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine(args, Switches);
        var urls = builder.Configuration["urls"] ?? "http://127.0.0.1:0";
        builder.WebHost.UseUrls(urls);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        var options = builder.Configuration.GetSection(ModelServerOptions.SectionName).Get<ModelServerOptions>() ?? new ModelServerOptions();
        // GATEWAY_MODELSERVER_API_KEY arrives as "API_KEY" once the prefix is stripped.
        options = options with { ApiKey = string.IsNullOrEmpty(options.ApiKey) ? builder.Configuration["API_KEY"] : options.ApiKey };
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole().AddConfiguration(builder.Configuration.GetSection("Logging")));
        var logger = loggerFactory.CreateLogger("Gateway.ModelServer");
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            if (NonLoopback(urls) is { } open)
            {
                await Console.Error.WriteLineAsync(
                    $"modelserver: refusing to listen on '{open}' without an API key; set {ApiKeyVariable} (every request must then carry 'Authorization: Bearer KEY').");
                return NoApiKeyExitCode;
            }
            ModelServerLog.NoApiKey(logger, ApiKeyVariable);
        }

        LoadedModel model;
        try
        {
            Validate(options);
            NativeLibrarySetup.Configure(options, logger);
            model = LoadedModel.Load(options, logger);
            ModelServerLog.ToolFormat(logger, ModelToolFormat.Of(model).Dialect.Family.ToString());
        }
#pragma warning disable CA1031 // Any load failure must end the process with a clear message, never a hang.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"modelserver: cannot load model '{options.Path}': {e.Message}");
            return LoadFailedExitCode;
        }

        using (model)
        {
            builder.Services.AddModelServer(options, model);
            builder.Services.AddModelServerTracing(builder.Configuration, options.ModelId);
            await using var app = builder.Build();
            if (!string.IsNullOrEmpty(options.ApiKey))
            {
                app.UseApiKey(options.ApiKey);
            }
            app.MapModelServer();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Console.Out.WriteLine(ListeningPrefix + address);
            Console.Out.Flush();
            WatchParent(options, app, logger);
            await app.WaitForShutdownAsync();
            app.Services.GetRequiredService<BatchScheduler>().Dispose();
        }
        return 0;
    }

    /// <summary>The first of the listening URLs whose host is not a loopback address (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, a name), or null.</summary>
    internal static string? NonLoopback(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string host;
            try
            {
                host = BindingAddress.Parse(url).Host;
            }
            catch (FormatException)
            {
                return url;
            }
            var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
            if (!loopback)
            {
                return url;
            }
        }
        return null;
    }

    private static void Validate(ModelServerOptions options)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new ArgumentException(string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }

    private static void WatchParent(ModelServerOptions options, WebApplication app, ILogger logger)
    {
        if (options.ParentProcessId is not { } pid)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                using var parent = Process.GetProcessById(pid);
                await parent.WaitForExitAsync(app.Lifetime.ApplicationStopping);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            catch (OperationCanceledException)
            {
                return;
            }
            ModelServerLog.ParentExited(logger, pid);
            app.Lifetime.StopApplication();
        });
    }
}
