using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Craft.Toolsets;

/// <summary>How toolsets are written: indented, readable JSON with code left unescaped where JSON allows.</summary>
internal static class ToolsetJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static T Read<T>(string json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new ToolsetFormatException($"{what} is empty.");
        }
        catch (JsonException ex)
        {
            throw new ToolsetFormatException($"{what} is not valid: {ex.Message}", ex);
        }
    }

    /// <summary>Checks what a reader cannot: names, and that the manifest lists exactly the tools.</summary>
    public static Toolset Validate(Toolset toolset, string what)
    {
        if (!Toolset.IsValidName(toolset.Name))
        {
            throw new ToolsetFormatException($"{what}: '{toolset.Name}' is not a valid toolset name (a letter, then letters, digits or '_').");
        }

        foreach (var tool in toolset.Tools)
        {
            if (!Toolset.IsValidToolName(tool.Name))
            {
                throw new ToolsetFormatException($"{what}: '{tool.Name}' is not a valid tool name (a JavaScript identifier of letters, digits and '_').");
            }

            if (string.IsNullOrWhiteSpace(tool.Code) || string.IsNullOrWhiteSpace(tool.Docstring))
            {
                throw new ToolsetFormatException($"{what}: tool '{tool.Name}' needs code and a docstring.");
            }
        }

        if (toolset.Tools.Select(t => t.Name).Distinct(StringComparer.Ordinal).Count() != toolset.Tools.Count)
        {
            throw new ToolsetFormatException($"{what}: two tools have the same name.");
        }

        return toolset;
    }
}
