using System.Text.Json;
using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.Routing;

namespace Gateway.Host.Api;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the catalog as the caller's key sees it.</summary>
internal static class ModelsEndpoints
{
    public static IEndpointRouteBuilder MapModelsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/models", ListAsync).RequireAuthorization(GatewayPolicies.Key);
        endpoints.MapGet("/v1/models/{**id}", GetAsync).RequireAuthorization(GatewayPolicies.Key);
        return endpoints;
    }

    private static async Task ListAsync(HttpContext context, ReloadingSnapshot<CatalogSnapshot> catalog, ReloadingSnapshot<RoutingSnapshot> routing,
        Gateway.Host.Agents.AgentFrontDoor agents)
    {
        var key = GatewayPolicies.KeyOf(context.User);

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var model in catalog.Current.Models.Where(m => key!.Allows(m.Name)))
            {
                WriteModel(writer, model);
            }

            foreach (var profile in routing.Current.Profiles.Keys.Order(StringComparer.Ordinal))
            {
                WriteOwnModel(writer, profile == RoutingSnapshot.DefaultProfile ? "auto" : "auto:" + profile, RouterOwner);
            }

            foreach (var agent in agents.Allowed(key!))
            {
                WriteOwnModel(writer, agent, AgentOwner);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private const string RouterOwner = "gateway-router";
    private const string AgentOwner = "gateway-agent";

    /// <summary>A model id the gateway itself answers (a routing profile or an agent), with no catalog entry behind it.</summary>
    private static void WriteOwnModel(Utf8JsonWriter writer, string id, string ownedBy)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", 0);
        writer.WriteString("owned_by", ownedBy);
        writer.WriteEndObject();
    }

    private static async Task GetAsync(HttpContext context, string id, ReloadingSnapshot<CatalogSnapshot> catalog,
        ReloadingSnapshot<RoutingSnapshot> routing, Gateway.Host.Agents.AgentFrontDoor agents)
    {
        var key = GatewayPolicies.KeyOf(context.User);

        if (Gateway.Host.Agents.AgentFrontDoor.IsAgent(id))
        {
            var agentError = agents.Resolve(id, key!, out _);
            await (agentError is null ? WriteJsonAsync(context, writer => WriteOwnModel(writer, id, AgentOwner)) : GatewayErrorWriter.WriteAsync(context, agentError));
            return;
        }

        // A routing profile, as the list shows it: "auto" is the default profile, "auto:<name>" the others.
        var profile = id == "auto" ? RoutingSnapshot.DefaultProfile : id.StartsWith("auto:", StringComparison.Ordinal) ? id["auto:".Length..] : null;
        if (profile is not null && profile.Length > 0 && routing.Current.Profiles.ContainsKey(profile))
        {
            await WriteJsonAsync(context, writer => WriteOwnModel(writer, id, RouterOwner));
            return;
        }

        if (!catalog.Current.TryGet(id, out var model))
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.ModelNotFound(id));
            return;
        }

        if (!key!.Allows(model.Name))
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.ModelNotAllowed(model.Name, key.Name));
            return;
        }

        await WriteJsonAsync(context, writer => WriteModel(writer, model));
    }

    private static void WriteModel(Utf8JsonWriter writer, CatalogModel model)
    {
        var d = model.Descriptor;
        writer.WriteStartObject();
        writer.WriteString("id", d.Name);
        writer.WriteString("object", "model");
        var created = d.ReleaseDate is { } date ? new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds() : 0;
        writer.WriteNumber("created", created);
        writer.WriteString("owned_by", d.Provider);
        if (d.ContextLength is { } context) { writer.WriteNumber("context_length", context); }
        if (d.ParamsB is { } paramsB) { writer.WriteNumber("params_b", paramsB); }
        writer.WriteStartObject("pricing");
        writer.WriteNumber("input_per_mtok", d.InputPricePerMTok);
        writer.WriteNumber("output_per_mtok", d.OutputPricePerMTok);
        writer.WriteEndObject();
        writer.WriteStartArray("tags");
        foreach (var tag in d.Tags) { writer.WriteStringValue(tag); }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, GatewayErrorWriter.WriterOptions))
        {
            write(writer);
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
