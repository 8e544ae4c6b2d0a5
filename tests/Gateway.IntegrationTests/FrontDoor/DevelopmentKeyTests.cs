using System.Net;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>The public development key: off unless enabled, and off for good once any key exists in any store.</summary>
public sealed class DevelopmentKeyTests
{
    private static readonly Dictionary<string, string?> Enabled = new() { ["Gateway:AllowDevelopmentKey"] = "true" };

    [Fact]
    public async Task DevelopmentKey_AfterAKeyIsCreatedWithIt_Refused()
    {
        await using var gateway = await GatewayTestHost.StartAsync(Enabled);
        using var development = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await development.GetAsync("/v1/models")).StatusCode);

        var created = await CreateAdminKeyAsync(development);
        using var refused = await development.GetAsync("/v1/models");
        using var admin = gateway.CreateClient(created);
        using var listed = await admin.GetAsync("/admin/keys");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Fact]
    public async Task DevelopmentKey_KeyCreatedOnAnotherReplica_RefusedWithinASecond()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>(Enabled)
        {
            ["Gateway:Redis:ConnectionString"] = redis.ConnectionString,
            ["Gateway:Redis:Prefix"] = $"test-{Guid.NewGuid():N}:",
        };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await GatewayTestHost.StartAsync(settings);
        await using var b = await GatewayTestHost.StartAsync(settings, configure: builder => builder.Services.AddSingleton<TimeProvider>(time));
        using var onB = b.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/v1/models")).StatusCode);

        using var onA = a.CreateClient();
        await CreateAdminKeyAsync(onA);
        // Replica B asks the shared store again once a second.
        time.Advance(TimeSpan.FromSeconds(1));

        using var refused = await onB.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static async Task<string> CreateAdminKeyAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/admin/keys", HostileCallerFixture.Json("""{"name":"first-admin","admin":true}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
    }
}
