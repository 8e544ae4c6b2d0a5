using System.Text.Json;
using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Gateway.Errors;
using Gateway.Host.Agents;
using Gateway.Host.Auth;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.Host.State;

namespace Gateway.Host.Api;

/// <summary>
/// <c>POST /v1/agents/{name}/runs</c> (body <c>{"input": "..."}</c> or <c>{"messages": [...]}</c>) runs an agent
/// and returns its trace; <c>GET /v1/agents</c> lists the agents the key may use with their tools.
/// </summary>
internal static class AgentEndpoints
{
    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/agents/{name}/runs", RunAsync).RequireAuthorization(GatewayPolicies.Key);
        endpoints.MapGet("/v1/agents", ListAsync).RequireAuthorization(GatewayPolicies.Key);
        return endpoints;
    }

    private static async Task RunAsync(HttpContext context, string name, LimitEnforcer limits, AgentFrontDoor agents,
        Microsoft.Extensions.Options.IOptionsMonitor<GatewayOptions> options)
    {
        var key = GatewayPolicies.KeyOf(context.User)!;
        var error = agents.Resolve(AgentSnapshot.ModelPrefix + name, key, out _);
        error ??= await limits.AcquireAsync(context, key);
        if (error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        var body = await RequestBodyReader.ReadAsync(context.Request, options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (body.Error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, body.Error);
            return;
        }

        try
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body.Buffer.AsMemory(0, body.Length));
            }
            catch (JsonException ex)
            {
                await GatewayErrorWriter.WriteAsync(context, GatewayError.InvalidJson(ex.Message));
                return;
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await GatewayErrorWriter.WriteAsync(context, GatewayError.BadRequest("The body must be a JSON object."));
                    return;
                }

                await agents.HandleRunAsync(context, name, document.RootElement);
            }
        }
        finally
        {
            // The document reads the pooled buffer in place; return it only once the run is over.
            System.Buffers.ArrayPool<byte>.Shared.Return(body.Buffer!);
        }
    }

    private static async Task ListAsync(HttpContext context, AgentFrontDoor agents, ToolCatalog tools)
    {
        var key = GatewayPolicies.KeyOf(context.User);

        var data = new List<object>();
        foreach (var (name, definition) in agents.AllowedDefinitions(key!))
        {
            var available = await tools.GetToolsAsync(definition.Tools, context.RequestAborted);
            data.Add(new
            {
                id = AgentSnapshot.ModelPrefix + name,
                kind = definition.Kind,
                roles = definition.Roles.ToDictionary(r => r.Key, r => r.Value.Model),
                tools = available.Select(t => t.Name).ToArray(),
            });
        }

        await context.Response.WriteAsJsonAsync(new { @object = "list", data }, context.RequestAborted);
    }
}
