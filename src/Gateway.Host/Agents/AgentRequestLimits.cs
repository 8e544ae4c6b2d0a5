using System.Runtime.InteropServices;
using System.Text.Json;

namespace Gateway.Host.Agents;

/// <summary>
/// Bounds on what a caller sends an agent, checked while the request is read, before any model call: every tool is
/// declared to the agent's models on every turn and every message is sent back to them, so an unbounded request is
/// unbounded work and a prompt no model takes. Each bound is far above what a real conversation needs.
/// </summary>
internal static class AgentRequestLimits
{
    /// <summary>Functions in <c>tools</c>: OpenAI's own limit, as the front door applies it to every chat request.</summary>
    public const int MaxTools = FrontDoor.RequestValidator.MaxTools;

    /// <summary>Characters of one function's <c>description</c>.</summary>
    public const int MaxDescriptionChars = 16_384;

    /// <summary>Bytes of one function's <c>parameters</c> schema, as sent.</summary>
    public const int MaxSchemaBytes = 65_536;

    /// <summary>Nesting of objects and arrays in one function's <c>parameters</c> schema, the schema itself being level 1.</summary>
    public const int MaxSchemaDepth = 32;

    /// <summary>Messages in the conversation.</summary>
    public const int MaxMessages = 2048;

    /// <summary>Entries in one assistant message's <c>tool_calls</c>.</summary>
    public const int MaxToolCallsPerMessage = 128;

    /// <summary>Characters of one tool call's <c>function.arguments</c>.</summary>
    public const int MaxArgumentsChars = 65_536;

    /// <summary>The JSON text length of <paramref name="element"/>, without copying it.</summary>
    public static int Bytes(JsonElement element) => JsonMarshal.GetRawUtf8Value(element).Length;

    /// <summary>Whether objects and arrays in <paramref name="element"/> nest deeper than <paramref name="limit"/> levels.</summary>
    public static bool NestsDeeperThan(JsonElement element, int limit)
    {
        if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return false;
        }

        if (limit <= 0)
        {
            return true;
        }

        return element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().Any(p => NestsDeeperThan(p.Value, limit - 1))
            : element.EnumerateArray().Any(e => NestsDeeperThan(e, limit - 1));
    }
}
