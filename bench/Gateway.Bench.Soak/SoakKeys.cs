using System.Text.Json;

namespace Gateway.Bench.Soak;

/// <summary>
/// The run's keys, created through <c>POST /admin/keys</c> (so that their usage and spend are the gateway's own record):
/// good keys with limits they never reach, and one key per kind of attacker, each with the limit its attack is about.
/// </summary>
internal sealed record SoakKeys(
    IReadOnlyList<(KeyLedger Ledger, string Secret)> Good,
    (KeyLedger Ledger, string Secret) Sneaky,
    (KeyLedger Ledger, string Secret) Burst,
    (KeyLedger Ledger, string Secret) Budget,
    (KeyLedger Ledger, string Secret) Schema,
    (KeyLedger Ledger, string Secret) Router,
    (KeyLedger Ledger, string Secret) Mcp)
{
    private const string Generous = "\"requests_per_minute\":1000000,\"tokens_per_minute\":1000000000,\"budget_usd\":100000";

    public IEnumerable<KeyLedger> Ledgers => Good.Select(g => g.Ledger).Concat([Sneaky.Ledger, Burst.Ledger, Budget.Ledger, Schema.Ledger, Router.Ledger, Mcp.Ledger]);

    public static async Task<SoakKeys> CreateAsync(HttpClient admin, int goodKeys)
    {
        var good = new List<(KeyLedger, string)>();
        for (var i = 1; i <= goodKeys; i++)
        {
            good.Add(await CreateAsync(admin, $"good-{i}", "good traffic", Generous));
        }

        return new SoakKeys(
            good,
            await CreateAsync(admin, "sneaky", "usage-less streams, hang-ups, duplicate stream_options, forbidden headers", Generous),
            await CreateAsync(admin, "burst", $"bursts under {Attacks.BurstTokensPerMinute} TPM", $"\"tokens_per_minute\":{Attacks.BurstTokensPerMinute}"),
            await CreateAsync(admin, "budget", $"chat past a ${Attacks.BudgetUsd} budget", $"\"budget_usd\":{Attacks.BudgetUsd},\"budget_period_hours\":24"),
            await CreateAsync(admin, "schema", "hostile schemas, deep nesting, 40k tools to an agent", Generous),
            await CreateAsync(admin, "router", "1.5 MB prompts to /v1/route", Generous),
            await CreateAsync(admin, "mcp", $"MCP calls over {Attacks.McpRequestsPerMinute} RPM",
                $"\"models\":[\"tool:calculator\"],\"requests_per_minute\":{Attacks.McpRequestsPerMinute}"));
    }

    private static async Task<(KeyLedger, string)> CreateAsync(HttpClient admin, string name, string role, string limits)
    {
        using var content = new StringContent("{\"name\":\"" + name + "\"," + limits + "}", System.Text.Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync("/admin/keys", content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating key '{name}' answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return (new KeyLedger(name, role), document.RootElement.GetProperty("key").GetString()!);
    }
}
