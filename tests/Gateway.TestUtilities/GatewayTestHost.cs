using System.ClientModel;
using System.Net.Http.Headers;
using Gateway.Host;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.TestUtilities;

/// <summary>A real gateway on Kestrel, bound to a free loopback port, with its own config folder.</summary>
public sealed class GatewayTestHost : IAsyncDisposable
{
    public const string DevelopmentKey = GatewayApiKeys.Development;

    private readonly WebApplication _app;

    private GatewayTestHost(WebApplication app, Uri baseAddress, string configDirectory, FinishedRequests finished)
    {
        _app = app;
        BaseAddress = baseAddress;
        ConfigDirectory = configDirectory;
        Finished = finished;
    }

    /// <summary>The gateway's root, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The gateway's <c>/v1</c> endpoint, for OpenAI clients.</summary>
    public Uri ApiBase => new(BaseAddress, "/v1");

    /// <summary>The folder of JSON config files the gateway loads and watches.</summary>
    public string ConfigDirectory { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The requests this gateway has finished handling, its accounting included; a test waits here for what it wrote.</summary>
    public FinishedRequests Finished { get; }

    /// <summary>
    /// Starts a gateway. <paramref name="settings"/> are configuration keys (<c>Gateway:Models:m:BaseUrl</c>);
    /// <paramref name="configFiles"/> are written to the config folder before start (name → JSON); <paramref name="log"/>,
    /// when given, gets the gateway's log from Debug up (otherwise it logs nothing).
    /// </summary>
    public static async Task<GatewayTestHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        IDictionary<string, string>? configFiles = null,
        Action<WebApplicationBuilder>? configure = null,
        ListLoggerProvider? log = null)
    {
        var configDirectory = Directory.CreateTempSubdirectory("gateway-test-config-").FullName;
        foreach (var (name, json) in configFiles ?? new Dictionary<string, string>())
        {
            await File.WriteAllTextAsync(Path.Combine(configDirectory, name), json);
        }

        // The development key is off unless enabled, as in a deployment; these hosts stand in for the local run.
        var finished = new FinishedRequests();
        var args = new[] { "--urls", "http://127.0.0.1:0", $"--Gateway:ConfigDirectory={configDirectory}", "--Gateway:AllowDevelopmentKey=true" };
        var app = GatewayApplication.Create(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddFilter(_ => false);
            builder.Services.AddSingleton<IStartupFilter>(finished);
            if (log is not null)
            {
                builder.Logging.AddProvider(log);
                builder.Logging.AddFilter<ListLoggerProvider>(null, LogLevel.Debug);
            }

            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            configure?.Invoke(builder);
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayTestHost(app, new Uri(address.TrimEnd('/') + "/"), configDirectory, finished);
    }

    public HttpClient CreateClient(string? apiKey = DevelopmentKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>The official OpenAI SDK client pointed at this gateway; only the base URL changes.</summary>
    public OpenAI.OpenAIClient CreateOpenAIClient(string apiKey = DevelopmentKey) =>
        new(new ApiKeyCredential(apiKey), new OpenAI.OpenAIClientOptions { Endpoint = ApiBase, NetworkTimeout = TimeSpan.FromSeconds(60) });

    /// <summary>Writes a config file into the watched folder (atomically, as a deployment tool would).</summary>
    public async Task WriteConfigFileAsync(string name, string json)
    {
        var path = Path.Combine(ConfigDirectory, name);
        await File.WriteAllTextAsync(path, json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(ConfigDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a watcher may still hold the folder.
        }
    }
}
