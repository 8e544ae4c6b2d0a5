using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Inference;
using Gateway.Inference.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.IntegrationTests.Inference;

[Collection(LocalModelCollection.Name)]
public sealed class LocalModelAdminTests(LocalModelFixture fixture)
{
    [Fact]
    public async Task AdminEndpoints_ListLoadUnload_DriveTheRealPool()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["Gateway:Models:admin-tiny:Path"] = fixture.ModelPath;
        builder.Services.AddModelPool(builder.Configuration);
        await using var app = builder.Build();
        app.MapLocalModelAdmin();
        await app.StartAsync();
        var root = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var before = await fixture.Http.GetFromJsonAsync<JsonElement>(new Uri(root, "/admin/local-models"));
        using var load = await fixture.Http.PostAsync(new Uri(root, "/admin/local-models/admin-tiny/load"), null);
        var loaded = await load.Content.ReadFromJsonAsync<JsonElement>();
        using var unload = await fixture.Http.PostAsync(new Uri(root, "/admin/local-models/admin-tiny/unload"), null);
        var after = await fixture.Http.GetFromJsonAsync<JsonElement>(new Uri(root, "/admin/local-models/admin-tiny"));
        using var unknown = await fixture.Http.PostAsync(new Uri(root, "/admin/local-models/nope/load"), null);

        Assert.Equal("unloaded", before[0].GetProperty("state").GetString());
        Assert.Equal("ready", loaded.GetProperty("state").GetString());
        Assert.True(loaded.GetProperty("processId").GetInt32() > 0);
        Assert.EndsWith("/v1/", loaded.GetProperty("baseUri").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        Assert.Equal("unloaded", after.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("model_not_found", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        await app.StopAsync();
    }
}
