using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Agents.Tools;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;

namespace Gateway.Agents.Runtime;

/// <summary>Helpers for OpenAI-style tool calls made by a model.</summary>
public static class ToolCalls
{
    /// <summary>
    /// The call as canonical JSON: <c>{"name":…,"arguments":{…}}</c> with object keys sorted at every
    /// level and no whitespace, so two calls that mean the same compare equal as strings.
    /// </summary>
    public static string Canonical(FunctionCallContent call)
    {
        var arguments = new JsonObject();
        foreach (var (key, value) in (call.Arguments ?? new Dictionary<string, object?>()).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            arguments[key] = Sorted(value is null ? null : JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions));
        }

        return new JsonObject { ["name"] = call.Name, ["arguments"] = arguments }.ToJsonString();
    }

    /// <summary>The call's arguments as a JSON object in a string, in the model's order (OpenAI's <c>function.arguments</c>).</summary>
    public static string ArgumentsJson(FunctionCallContent call)
    {
        var arguments = new JsonObject();
        foreach (var (key, value) in call.Arguments ?? new Dictionary<string, object?>())
        {
            arguments[key] = value is null ? null : JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions);
        }

        return arguments.ToJsonString();
    }

    /// <summary>Whether <paramref name="call"/> is a well-formed call of one of the caller's tools, which the caller runs.</summary>
    public static bool IsClientCall(AgentRun run, FunctionCallContent call) => call.Exception is null && run.FindClientTool(call.Name) is not null;

    /// <summary>The call's arguments for a Semantic Kernel function: JSON strings become strings, other JSON its text.</summary>
    public static KernelArguments Arguments(FunctionCallContent call)
    {
        var arguments = new KernelArguments();
        foreach (var (key, value) in call.Arguments ?? new Dictionary<string, object?>())
        {
            arguments[key] = value switch
            {
                JsonElement { ValueKind: JsonValueKind.String } s => s.GetString(),
                JsonElement e => e.GetRawText(),
                _ => value,
            };
        }

        return arguments;
    }

    /// <summary>Runs a model's tool call through <paramref name="run"/> (trace, events, time limit); bad calls become error observations.</summary>
    public static Task<ToolOutcome> InvokeAsync(AgentRun run, string id, FunctionCallContent call, CancellationToken cancellationToken) =>
        run.CallToolAsync(id, call.Name, Canonical(call), tool =>
        {
            if (call.Exception is { } error)
            {
                return Task.FromResult(new ToolOutcome(ToolStatus.Error, $"Error: the arguments of the call to '{call.Name}' are not valid JSON: {error.Message}", TimeSpan.Zero));
            }

            return tool is null
                ? ToolInvoker.InvokeAsync(run.Kernel, null, call.Name, "", run.Definition.Limits.ToolTimeout, cancellationToken)
                : ToolInvoker.InvokeAsync(run.Kernel, tool, Arguments(call), run.Definition.Limits.ToolTimeout, cancellationToken);
        }, cancellationToken);

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value?.DeepClone())))),
        JsonArray a => new JsonArray([.. a.Select(i => Sorted(i?.DeepClone()))]),
        _ => node?.DeepClone(),
    };
}
