using System.Text.Json;

namespace Gateway.Inference.Protocol;

/// <summary>
/// The text form in which a local model writes a tool call (the widely trained Hermes/Qwen form):
/// <c>&lt;tool_call&gt;{"name": "f", "arguments": {...}}&lt;/tool_call&gt;</c>.
/// </summary>
public static class ToolCallFormat
{
    /// <summary>The tag that opens a tool call; a generation that starts with it (after whitespace) is a call.</summary>
    public const string Open = "<tool_call>";

    /// <summary>The tag that closes a tool call.</summary>
    public const string Close = "</tool_call>";

    /// <summary>What separates the quoted name from the arguments JSON, exactly as <see cref="Format"/> writes it.</summary>
    public const string ArgumentsMarker = "\", \"arguments\": ";

    /// <summary>What ends a call after its arguments: the object's closing brace and <see cref="Close"/>.</summary>
    public const string Suffix = "}" + Close;

    /// <summary>Formats a call as the model would write it (used when replaying assistant history).</summary>
    public static string Format(string name, string argumentsJson) =>
        $"{Open}{{\"name\": {JsonSerializer.Serialize(name)}, \"arguments\": {argumentsJson}}}{Close}";

    /// <summary>Parses a complete generation; returns false when it is not a tool call.</summary>
    public static bool TryParse(string text, out string name, out string argumentsJson)
    {
        name = "";
        argumentsJson = "";
        var trimmed = text.Trim();
        if (!trimmed.StartsWith(Open, StringComparison.Ordinal) || !trimmed.EndsWith(Close, StringComparison.Ordinal))
        {
            return false;
        }
        var body = trimmed[Open.Length..^Close.Length];
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String)
            {
                return false;
            }
            name = n.GetString()!;
            argumentsJson = doc.RootElement.TryGetProperty("arguments", out var a) ? a.GetRawText() : "{}";
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A short instruction, added to the system prompt, that tells the model how to call tools.</summary>
    public static string Instructions(IEnumerable<(string Name, string? Description, string ParametersJson)> tools)
    {
        var lines = tools.Select(t => $"{{\"name\": {JsonSerializer.Serialize(t.Name)}, \"description\": {JsonSerializer.Serialize(t.Description ?? "")}, \"parameters\": {t.ParametersJson}}}");
        return "You may call one of these tools. To call one, reply with only " + Open +
            "{\"name\": <tool name>, \"arguments\": <arguments object>}" + Close + "\nTools:\n" + string.Join("\n", lines);
    }
}
