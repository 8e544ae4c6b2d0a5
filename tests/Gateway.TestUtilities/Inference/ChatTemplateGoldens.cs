using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Inference.Templates;

namespace Gateway.TestUtilities.Inference;

/// <summary>
/// The golden chat-template renderings (tests/Gateway.UnitTests/Inference/Templates/goldens): the prompts
/// @huggingface/jinja renders for llama.cpp's real model templates over a fixed set of conversations. The templates
/// themselves are not in the repository: build/fetch-chat-templates.sh fetches them (build/test.sh runs it), or
/// <c>GATEWAY_CHAT_TEMPLATES_DIR</c> names a folder holding them.
/// </summary>
public static class ChatTemplateGoldens
{
    public const string Folder = "tests/Gateway.UnitTests/Inference/Templates/goldens";
    public const string DirectoryVariable = "GATEWAY_CHAT_TEMPLATES_DIR";

    private static readonly Lazy<JsonDocument> GoldensDocument = new(() => JsonDocument.Parse(Repository.Read($"{Folder}/goldens.json")));
    private static readonly Lazy<JsonDocument> InputDocument = new(() => JsonDocument.Parse(Repository.Read($"{Folder}/conversations.json")));

    /// <summary>Every (template file, conversation) pair the goldens hold.</summary>
    public static IEnumerable<(string Template, string Conversation)> Cases() =>
        from template in GoldensDocument.Value.RootElement.EnumerateObject()
        from conversation in template.Value.GetProperty("cases").EnumerateObject()
        select (template.Name, conversation.Name);

    /// <summary>The expected prompt, or null when the reference renderer raised (then <paramref name="error"/> holds its message).</summary>
    public static string? Expected(string template, string conversation, out string? error)
    {
        var entry = GoldensDocument.Value.RootElement.GetProperty(template).GetProperty("cases").GetProperty(conversation);
        error = entry.TryGetProperty("error", out var e) ? e.GetString() : null;
        return entry.TryGetProperty("prompt", out var p) ? p.GetString() : null;
    }

    /// <summary>The conversation as an OpenAI chat request body (messages, tools when offered).</summary>
    public static string RequestBody(string conversation)
    {
        var root = InputDocument.Value.RootElement;
        var c = root.GetProperty("conversations").GetProperty(conversation);
        var body = new StringBuilder("{\"messages\":").Append(c.GetProperty("messages").GetRawText());
        if (c.TryGetProperty("tools", out var t) && t.ValueKind == JsonValueKind.True)
        {
            body.Append(",\"tools\":").Append(root.GetProperty("tools").GetRawText());
        }
        return body.Append('}').ToString();
    }

    /// <summary>The render context the goldens were made with: fixed date, fixed special tokens.</summary>
    internal static ChatTemplateContext Context(string conversation)
    {
        var root = InputDocument.Value.RootElement;
        var c = root.GetProperty("conversations").GetProperty(conversation);
        using var body = JsonDocument.Parse(RequestBody(conversation));
        return new ChatTemplateContext
        {
            Messages = ChatTemplateInput.Messages(body.RootElement.GetProperty("messages")),
            Tools = ChatTemplateInput.Tools(body.RootElement),
            AddGenerationPrompt = !c.TryGetProperty("add_generation_prompt", out var g) || g.ValueKind != JsonValueKind.False,
            BosToken = root.GetProperty("bos_token").GetString()!,
            EosToken = root.GetProperty("eos_token").GetString()!,
            Now = DateTimeOffset.Parse(root.GetProperty("now").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A template's text; fails with the way to fetch them when they are missing or differ from the goldens'.</summary>
    public static string Template(string file)
    {
        var directory = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } custom
            ? custom
            : Repository.PathOf(".cache/chat-templates/llama.cpp/models/templates");
        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Chat template {file} is missing from {directory}. Run build/fetch-chat-templates.sh (build/test.sh runs it) or set {DirectoryVariable} to llama.cpp's models/templates.");
        }
        var text = File.ReadAllText(path);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var expected = GoldensDocument.Value.RootElement.GetProperty(file).GetProperty("sha256").GetString();
        if (sha != expected)
        {
            throw new InvalidOperationException(
                $"Chat template {file} in {directory} is not the one the goldens were rendered from (sha256 {sha}, goldens {expected}); run {Folder}/regen.sh.");
        }
        return text;
    }
}
