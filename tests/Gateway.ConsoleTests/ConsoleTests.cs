using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gateway.ConsoleTests;

/// <summary>The operator console in headless Chromium against a real gateway.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleTests
{
    private readonly ConsoleFixture _fixture;
    private readonly ITestOutputHelper _output;

    public ConsoleTests(ConsoleFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private async Task ScreenshotAsync(IPage page, string name) =>
        _output.WriteLine("screenshot: " + await _fixture.ScreenshotAsync(page, name));

    [ChromiumFact]
    public async Task SignIn_AdminKey_ShowsEveryCatalogModelWithItsState()
    {
        using (var client = _fixture.Gateway.CreateClient(ConsoleFixture.AdminKey))
        using (var answer = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "mathbot", messages = new[] { new { role = "user", content = "hi" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        var page = await _fixture.SignInAsync();

        await Expect(page.Locator("#app")).ToBeVisibleAsync();
        await Expect(page.Locator("#session-key")).ToContainTextAsync("signed in as admin");
        var rows = page.Locator("#models-table tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        var math = page.Locator("#models-table tr[data-model='mathbot']");
        await Expect(math.Locator("td").Nth(2)).ToHaveTextAsync("healthy");
        await Expect(math.Locator("td").Nth(3)).ToHaveTextAsync("remote");
        await Expect(math.Locator("td").Nth(4)).ToHaveTextAsync("closed");
        Assert.True(int.Parse(await math.Locator("td").Nth(8).TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 1, "mathbot's requests per minute count the request just made");
        Assert.True(int.Parse((await math.Locator("td").Nth(10).TextContentAsync() ?? "0").Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) >= 9, "and its tokens");
        var tiny = page.Locator("#models-table tr[data-model='tiny']");
        await Expect(tiny.Locator("td").Nth(3)).ToHaveTextAsync("unloaded");
        await Expect(tiny.GetByRole(AriaRole.Button, new() { Name = "Load" })).ToBeVisibleAsync();
        await Expect(page.Locator("#router-status")).ToContainTextAsync("Router loaded");
        await ScreenshotAsync(page, "models");
        _fixture.AssertNoScriptErrors(page);
    }

    [ChromiumFact]
    public async Task Models_LoadThenUnloadTheLocalModel_TheRowFollowsThePool()
    {
        var page = await _fixture.SignInAsync();
        var tiny = page.Locator("#models-table tr[data-model='tiny']");
        var slow = new LocatorAssertionsToHaveTextOptions { Timeout = 120_000 };

        await tiny.GetByRole(AriaRole.Button, new() { Name = "Load" }).ClickAsync();
        await Expect(tiny.Locator("td").Nth(3)).ToHaveTextAsync("loaded", slow);
        await Expect(tiny.Locator("td").Nth(2)).ToHaveTextAsync("healthy");
        await Expect(tiny.Locator("td").Nth(5)).ToHaveTextAsync("1/1");
        await ScreenshotAsync(page, "models-loaded");

        await tiny.GetByRole(AriaRole.Button, new() { Name = "Unload" }).ClickAsync();
        await Expect(tiny.Locator("td").Nth(3)).ToHaveTextAsync("unloaded", slow);
        await Expect(tiny.Locator("td").Nth(2)).ToHaveTextAsync("idle");
        _fixture.AssertNoScriptErrors(page);
    }

    [ChromiumFact]
    public async Task SignIn_NonAdminOrUnknownKey_IsRefusedWithTheReason()
    {
        var page = await _fixture.SignInAsync(_fixture.ViewerKey);

        await Expect(page.Locator("#login-error")).ToContainTextAsync("not an admin key");
        await Expect(page.Locator("#app")).ToBeHiddenAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('gateway.console.key')"));
        await ScreenshotAsync(page, "login-refused");

        await page.FillAsync("#login-key", "sk-not-a-key");
        await page.ClickAsync("#login-submit");
        await Expect(page.Locator("#login-error")).ToContainTextAsync("does not accept this key");
        _fixture.AssertNoScriptErrors(page);
    }

    [ChromiumFact]
    public async Task Route_StringPrompt_DrawsTheParetoFrontTheApiReturnsAndStreamsTheAnswer()
    {
        var prompt = RoutingDataset.StringPrompt(1003);
        JsonNode expected;
        using (var client = _fixture.Gateway.CreateClient(ConsoleFixture.AdminKey))
        using (var response = await client.PostAsJsonAsync("/v1/route", new { prompt, model = "auto", pareto = true }))
        {
            expected = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }

        var front = expected["pareto"]!.AsArray();
        var chosen = expected["model"]!.GetValue<string>();
        Assert.True(front.Count >= 2, "the dear model wins on quality, the cheap one once cost weighs in: " + expected.ToJsonString());

        var page = await _fixture.SignInAsync();
        await page.ClickAsync("[data-tab='route']");
        await page.FillAsync("#route-prompt", prompt);
        await Expect(page.Locator("#route-profile option[value='cheap']")).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#route-profile", "default");
        await page.ClickAsync("#route-run");

        await Expect(page.Locator("#pareto-chart svg")).ToBeVisibleAsync();
        await Expect(page.Locator("#pareto-chart circle.pareto-point")).ToHaveCountAsync(front.Count);
        await Expect(page.Locator("#pareto-chart circle.pareto-point.chosen")).ToHaveAttributeAsync("data-model", chosen);
        await Expect(page.Locator("#route-candidates tbody tr")).ToHaveCountAsync(expected["candidates"]!.AsArray().Count);
        await Expect(page.Locator("#route-candidates tbody tr.chosen")).ToHaveAttributeAsync("data-model", chosen);
        await Expect(page.Locator("#route-rejected")).ToContainTextAsync("tiny");
        await Expect(page.Locator("#route-summary")).ToContainTextAsync($"picks {chosen}");

        await page.ClickAsync("#route-send");
        await Expect(page.Locator("#chat-output")).ToHaveTextAsync("Hello from word-upstream");
        await Expect(page.Locator("#chat-model")).ToHaveTextAsync($"from {chosen}");
        await Expect(page.Locator("#chat-status")).ToContainTextAsync("done: 4 chunks, 5 prompt + 4 completion tokens");
        await ScreenshotAsync(page, "route");

        // Weighing cost heavily moves the choice to the cheap model, on the same front.
        await Expect(page.Locator("#weight-cost")).ToBeDisabledAsync();
        await page.CheckAsync("#route-override");
        await page.FillAsync("#weight-cost", "50");
        await page.ClickAsync("#route-run");
        await Expect(page.Locator("#route-summary")).ToContainTextAsync("picks mathbot");
        await Expect(page.Locator("#pareto-chart circle.pareto-point")).ToHaveCountAsync(front.Count);
        await Expect(page.Locator("#pareto-chart circle.pareto-point.chosen")).ToHaveAttributeAsync("data-model", "mathbot");
        _fixture.AssertNoScriptErrors(page);
    }

    [ChromiumFact]
    public async Task Keys_CreateThenRevoke_TheKeyWorksThenStops()
    {
        var page = await _fixture.SignInAsync();
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("[data-tab='keys']");
        await page.FillAsync("#key-name", "console-e2e");
        await page.FillAsync("#key-models", "mathbot");
        await page.FillAsync("#key-rpm", "60");
        await page.ClickAsync("#key-create");

        await Expect(page.Locator("#key-created-secret")).ToContainTextAsync("sk-gw-");
        var secret = await page.Locator("#key-created-secret").TextContentAsync();
        var row = page.Locator("#keys-table tr[data-key='console-e2e']");
        await Expect(row).ToContainTextAsync("active");
        await Expect(row).ToContainTextAsync("mathbot");
        await Expect(row.Locator(".meter[data-limit='requests']")).ToContainTextAsync("0 / 60");
        // Request limits count per calendar minute; the gateway's clock is a fake that stays in one.
        using (var client = _fixture.Gateway.CreateClient(secret))
        using (var answer = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "mathbot", messages = new[] { new { role = "user", content = "hi" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        await page.ClickAsync("[data-tab='keys']");
        await Expect(row.Locator(".meter[data-limit='requests']")).ToContainTextAsync("1 / 60");
        await ScreenshotAsync(page, "keys");

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(row).ToContainTextAsync("revoked");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToHaveCountAsync(0);
        using (var client = _fixture.Gateway.CreateClient(secret))
        using (var models = await client.GetAsync("/v1/models"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
        }

        _fixture.AssertNoScriptErrors(page);
    }

    [ChromiumFact]
    public async Task Agents_SampleTrace_RendersEveryStepOnTheTimeline()
    {
        var page = await _fixture.SignInAsync();
        await page.ClickAsync("[data-tab='agents']");
        await page.ClickAsync("#trace-loader summary");
        await page.FillAsync("#trace-json", SampleTrace);
        await page.ClickAsync("#trace-load");

        var steps = page.Locator("#agent-timeline .step[data-step]");
        await Expect(steps).ToHaveCountAsync(3);
        await Expect(steps.Nth(0).Locator("[data-field='role']")).ToHaveTextAsync("worker");
        await Expect(steps.Nth(0).Locator("[data-field='tool']")).ToHaveTextAsync("search");
        await Expect(steps.Nth(0).Locator("[data-field='model']")).ToHaveTextAsync("model mathbot");
        await Expect(steps.Nth(0).Locator("[data-field='input']")).ToContainTextAsync("boiling point");
        await Expect(steps.Nth(0).Locator("[data-field='evidence']")).ToContainTextAsync("100 °C");
        await Expect(steps.Nth(0).Locator("[data-field='duration']")).ToHaveTextAsync("120 ms");
        await Expect(steps.Nth(0).Locator("[data-field='tokens']")).ToHaveTextAsync("42 tokens");
        await Expect(steps.Nth(1).Locator("[data-field='tokens']")).ToHaveTextAsync("30 tokens");
        await Expect(steps.Nth(1).Locator("[data-field='duration']")).ToHaveTextAsync("1,500 ms");
        await Expect(steps.Nth(2)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("failed"));
        await Expect(steps.Nth(2).Locator("[data-field='error']")).ToContainTextAsync("timed out");
        await Expect(steps.Nth(2).Locator("[data-field='tokens']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#agent-timeline .trace-plan li")).ToHaveCountAsync(2);
        await Expect(page.Locator("#agent-timeline .trace-plan li").Nth(1)).ToContainTextAsync("calculator[#E1 * 9 / 5 + 32] · after E1");
        await Expect(page.Locator("#agent-timeline [data-role='planner']")).ToHaveTextAsync("planner: wordbot · 1 calls · 57 tokens");
        await Expect(page.Locator("#agent-timeline [data-timing='total']")).ToHaveTextAsync("total: 1,900 ms");
        await Expect(page.Locator("#agent-timeline .trace-header")).ToContainTextAsync("129 tokens");
        await Expect(page.Locator("#agent-timeline .step[data-turn]")).ToHaveCountAsync(2);
        await Expect(page.Locator("#agent-timeline .answer-final")).ToContainTextAsync("Water boils at 100 °C");
        await ScreenshotAsync(page, "agent-trace");

        // A trace with almost nothing in it still renders.
        var count = await page.EvaluateAsync<int>("() => window.gatewayConsole.renderTrace(document.querySelector('#agent-timeline'), {steps: [{}, {tool: 'x'}]})");
        Assert.Equal(2, count);
        await Expect(steps).ToHaveCountAsync(2);
        _fixture.AssertNoScriptErrors(page);
    }

    [ChromiumFact]
    public async Task Agents_UnknownAgent_ListsTheGatewaysAgentsAndSaysThereIsNoSuchAgent()
    {
        var page = await _fixture.SignInAsync();
        await page.ClickAsync("[data-tab='agents']");
        await page.FillAsync("#agent-name", "no-such-agent");
        await page.FillAsync("#agent-input", "What is the boiling point of water?");
        await page.ClickAsync("#agent-run");

        await Expect(page.Locator("#agent-list")).ToContainTextAsync("rewoo (rewoo)");
        await Expect(page.Locator("#agent-message")).ToContainTextAsync("there is no agent named 'no-such-agent'");
        _fixture.AssertNoScriptErrors(page);
    }

    // The shape POST /v1/agents/{name}/runs returns, with per-step role, model and tokens where a runtime adds them.
    private const string SampleTrace = """
        {
          "id": "run_1", "agent": "rewoo", "kind": "rewoo", "status": "failed", "error": "step E3: upstream timed out",
          "plan": [
            { "id": "E1", "tool": "search", "input": "boiling point of water", "plan": "Find the boiling point", "depends_on": [] },
            { "id": "E2", "tool": "calculator", "input": "#E1 * 9 / 5 + 32", "plan": "Convert it to Fahrenheit", "depends_on": ["E1"] }
          ],
          "steps": [
            { "id": "E1", "role": "worker", "tool": "search", "model": "mathbot", "input": { "query": "boiling point of water" }, "evidence": "Water boils at 100 °C at sea level.", "status": "ok", "started_ms": 10, "duration_ms": 120, "tokens": 42 },
            { "id": "E2", "role": "worker", "tool": "calculator", "input": "100 * 9 / 5 + 32", "output": "212", "status": "ok", "started_ms": 140, "duration_ms": 1500, "usage": { "prompt_tokens": 20, "completion_tokens": 10 } },
            { "id": "E3", "role": "solver", "tool": "lookup", "model": "wordbot", "input": "x", "status": "failed", "started_ms": 1650, "duration_ms": 250, "error": "upstream timed out" }
          ],
          "turns": [ { "role": "planner", "content": "E1 = search[boiling point of water]", "next": "worker" }, { "role": "solver", "content": "Water boils at 100 °C (212 °F)." } ],
          "roles": { "planner": { "models": ["wordbot"], "calls": 1, "prompt_tokens": 40, "completion_tokens": 17 }, "worker": { "models": ["mathbot"], "calls": 2, "prompt_tokens": 50, "completion_tokens": 22 } },
          "usage": { "prompt_tokens": 90, "completion_tokens": 39, "total_tokens": 129 },
          "timings": { "plan": 300, "total": 1900 },
          "answer": "Water boils at 100 °C (212 °F)."
        }
        """;
}
