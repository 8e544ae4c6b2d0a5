using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Microsoft.SemanticKernel;

namespace Gateway.Craft.SemanticKernel;

/// <summary>
/// A toolset as a Semantic Kernel plugin: one <see cref="KernelFunction"/> per tool, named after it, described by its
/// docstring, with its argument schema; invoking it runs the tool in the sandbox and returns its JSON. A tool that
/// fails raises <see cref="SandboxException"/> with the kind of failure. A kernel function is also a Microsoft.Extensions.AI
/// <c>AIFunction</c>, so the same functions serve <c>IChatClient</c> tool calling.
/// </summary>
internal static class ToolsetPlugin
{
    public static KernelPlugin Create(Toolset toolset, JsSandbox sandbox)
    {
        ArgumentNullException.ThrowIfNull(toolset);
        ArgumentNullException.ThrowIfNull(sandbox);
        return KernelPluginFactory.CreateFromFunctions(toolset.Name, toolset.Manifest.Description, toolset.Tools.Select(t => CreateFunction(t, sandbox)));
    }

    public static KernelFunction CreateFunction(CraftTool tool, JsSandbox sandbox)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(sandbox);
        var parameters = Parameters(tool);
        async Task<string> RunAsync(KernelArguments arguments, CancellationToken cancellationToken)
        {
            var json = new JsonObject();
            foreach (var (name, value) in arguments)
            {
                json[name] = ToNode(value, parameters.FirstOrDefault(p => p.Name == name));
            }

            return (await sandbox.RunToolAsync(tool.Code, tool.Name, json.ToJsonString(), cancellationToken)).EnsureSuccess();
        }

        return KernelFunctionFactory.CreateFromMethod(RunAsync, JsonSerializerOptions.Default, new KernelFunctionFromMethodOptions
        {
            FunctionName = tool.Name,
            Description = tool.Docstring,
            Parameters = parameters,
            ReturnParameter = new KernelReturnParameterMetadata { Description = "The tool's result as JSON.", ParameterType = typeof(string) },
        });
    }

    private static List<KernelParameterMetadata> Parameters(CraftTool tool)
    {
        var properties = tool.Parameters?["properties"] as JsonObject;
        var required = (tool.Parameters?["required"] as JsonArray)?.Select(r => r?.ToString()).ToHashSet() ?? [];
        var names = properties?.Select(p => p.Key) ?? tool.Example.Arguments.Select(a => a.Key);
        return names.Select(name =>
        {
            var schema = properties?[name] as JsonObject;
            return new KernelParameterMetadata(name)
            {
                Description = schema?["description"]?.ToString(),
                IsRequired = properties is null || required.Contains(name),
                Schema = schema is null ? null : KernelJsonSchema.Parse(schema.ToJsonString()),
            };
        }).ToList();
    }

    /// <summary>Arguments arrive as JSON elements, CLR values, or text; text is read as JSON when the parameter is not a string.</summary>
    private static JsonNode? ToNode(object? value, KernelParameterMetadata? parameter)
    {
        var type = parameter?.Schema?.RootElement.TryGetProperty("type", out var t) == true ? t.GetString() : null;
        return value switch
        {
            null => null,
            JsonNode node => node.DeepClone(),
            JsonElement element => JsonNode.Parse(element.GetRawText()),
            string text when type is not null and not "string" && TryParse(text) is { } parsed => parsed,
            _ => JsonSerializer.SerializeToNode(value, value.GetType()),
        };
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
