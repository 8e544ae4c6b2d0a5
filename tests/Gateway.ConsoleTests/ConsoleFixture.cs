using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Cli;
using Gateway.Inference.Gguf;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Gateway.ConsoleTests;

/// <summary>
/// One real gateway for the console tests: two remote models on fake OpenAI-compatible upstreams
/// (<c>mathbot</c>, cheap; <c>wordbot</c>, dear), a local model on the tiny GGUF (left unloaded), a
/// router trained with the gateway's own <c>router train</c> verb, a non-admin managed key, and
/// one headless Chromium (when installed) that each test opens fresh pages in.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>A configured admin key (the development key stops working once the fixture creates a managed key).</summary>
    public const string AdminKey = "sk-console-admin";

    private string _root = null!;
    private FakeUpstream? _math;
    private FakeUpstream? _word;
    private IPlaywright? _playwright;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> _scriptErrors = [];

    public GatewayTestHost Gateway { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A managed key without admin rights, which the console must refuse.</summary>
    public string ViewerKey { get; private set; } = null!;

    /// <summary>Where the tests save their screenshots: <c>CONSOLE_SCREENSHOTS</c>, else this project's <c>TestResults/screenshots</c>.</summary>
    public string ScreenshotDirectory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("gateway-console-").FullName;
        var data = Path.Combine(_root, "data");
        var router = Path.Combine(_root, "router");
        RoutingDataset.Write(data);
        Assert.Equal(0, await GatewayCli.InvokeAsync(["router", "train", "--data", data, "--out", router, "--encoder", "hashing", "--ensemble", "1", "--epochs", "15"]));
        var tiny = Path.Combine(_root, "tiny.gguf");
        TinyModel.Write(tiny);

        _math = await FakeUpstream.StartAsync("math-upstream");
        _word = await FakeUpstream.StartAsync("word-upstream");
        Gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:mathbot:BaseUrl"] = _math.BaseUrl.ToString(),
            ["Gateway:Models:mathbot:InputPricePerMTok"] = "0.1",
            ["Gateway:Models:mathbot:OutputPricePerMTok"] = "0.2",
            ["Gateway:Models:wordbot:BaseUrl"] = _word.BaseUrl.ToString(),
            ["Gateway:Models:wordbot:InputPricePerMTok"] = "5",
            ["Gateway:Models:wordbot:OutputPricePerMTok"] = "15",
            ["Gateway:Models:tiny:Provider"] = "local",
            ["Gateway:Models:tiny:Path"] = tiny,
            ["Gateway:Routing:ArtifactDirectory"] = router,
            ["Gateway:Routing:Profiles:cheap:Cost"] = "50",
            ["Gateway:Keys:admin:Hash"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(AdminKey))),
            ["Gateway:Keys:admin:Admin"] = "true",
        },
        // A fixed clock: request limits count per calendar minute, and a test reads back what it just spent.
        configure: builder => builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(TimerAwareTimeProvider.DefaultStart)));

        using var admin = Gateway.CreateClient(AdminKey);
        using var created = await admin.PostAsJsonAsync("/admin/keys", new { name = "viewer" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        ViewerKey = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();

        ScreenshotDirectory = Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOTS") is { Length: > 0 } directory
            ? Path.GetFullPath(directory)
            : Path.Combine(ProjectDirectory(), "TestResults", "screenshots");
        Directory.CreateDirectory(ScreenshotDirectory);

        if (Chromium.ExecutablePath is { } chromium)
        {
            Assertions.SetDefaultExpectTimeout(20_000);
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });
        }
    }

    /// <summary>A fresh page (own cookies and session storage) on the gateway; its script errors are collected.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Gateway.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        _scriptErrors.Add(page, errors);
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return page;
    }

    /// <summary>Fails when the console threw a script error on <paramref name="page"/>.</summary>
    public void AssertNoScriptErrors(IPage page)
    {
        var errors = _scriptErrors.TryGetValue(page, out var list) ? list : [];
        lock (errors)
        {
            Assert.True(errors.Count == 0, "Script errors in the console: " + string.Join(" | ", errors));
        }
    }

    /// <summary>Opens the console and signs in with <paramref name="key"/>.</summary>
    public async Task<IPage> SignInAsync(string key = AdminKey)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/ui");
        await page.FillAsync("#login-key", key);
        await page.ClickAsync("#login-submit");
        return page;
    }

    /// <summary>Saves a full-page screenshot and returns its path.</summary>
    public async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        if (_math is not null)
        {
            await _math.DisposeAsync();
        }

        if (_word is not null)
        {
            await _word.DisposeAsync();
        }

        if (_root is not null)
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string ProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gateway.ConsoleTests.csproj")))
            {
                return directory.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
