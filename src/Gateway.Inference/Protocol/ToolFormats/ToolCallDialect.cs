using System.Security.Cryptography;

namespace Gateway.Inference.Protocol.ToolFormats;

/// <summary>
/// How one <see cref="ToolCallFamily"/> writes calls: the markers that open them, the special tokens that must be
/// rendered as text for them to be seen, and how its call ids look.
/// </summary>
public sealed class ToolCallDialect
{
    private readonly Func<string, int, CallBlock?> _open;

    private ToolCallDialect(ToolCallFamily family, string[] openers, string[] startOpeners, string[] preserved, Func<string, int, CallBlock?> open)
    {
        Family = family;
        Openers = openers;
        StartOpeners = startOpeners;
        PreservedTokens = [.. preserved, ReasoningTags.Open, ReasoningTags.Close];
        _open = open;
    }

    /// <summary>The family this dialect reads and writes.</summary>
    public ToolCallFamily Family { get; }

    /// <summary>Markers that open a call wherever they appear in an answer's content.</summary>
    public IReadOnlyList<string> Openers { get; }

    /// <summary>Markers that open a call only as the first thing an answer's content says (Llama 3's bare JSON).</summary>
    public IReadOnlyList<string> StartOpeners { get; }

    /// <summary>Token texts to render even when the vocabulary marks them special (control tokens are otherwise dropped).</summary>
    public IReadOnlyList<string> PreservedTokens { get; }

    /// <summary>Whether the model needs the tools described in an added system message (its template does not render them).</summary>
    public bool NeedsInstructions => Family == ToolCallFamily.Generic;

    /// <summary>A fresh id for a parsed call: Mistral templates accept only 9 letters and digits, others take OpenAI's form.</summary>
    public string NewCallId()
    {
        if (Family == ToolCallFamily.Mistral)
        {
            const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            return RandomNumberGenerator.GetString(Alphabet, 9);
        }
        return "call_" + Guid.NewGuid().ToString("N")[..24];
    }

    /// <summary>The block a marker found at <paramref name="at"/> opens; null for a marker this dialect does not know.</summary>
    internal CallBlock? Open(string marker, int at) => _open(marker, at);

    private static readonly Dictionary<ToolCallFamily, ToolCallDialect> All = new()
    {
        [ToolCallFamily.Generic] = Hermes(ToolCallFamily.Generic),
        [ToolCallFamily.Hermes] = Hermes(ToolCallFamily.Hermes),
        [ToolCallFamily.Llama3] = new(ToolCallFamily.Llama3, [Llama3Markers.PythonTag], ["{"], [Llama3Markers.PythonTag], (marker, at) => marker switch
        {
            Llama3Markers.PythonTag => new PythonTagCall(at + marker.Length),
            "{" => new WrappedJsonCall(at, ""),
            _ => null,
        }),
        [ToolCallFamily.Mistral] = new(ToolCallFamily.Mistral, [MistralMarkers.ToolCalls], [], [MistralMarkers.ToolCalls], (marker, at) =>
            marker == MistralMarkers.ToolCalls ? new JsonCallList(at + marker.Length, bracketInOpener: false) : null),
        [ToolCallFamily.FireFunction] = new(ToolCallFamily.FireFunction, [FireFunctionMarkers.Functools], [], [], (marker, at) =>
            marker == FireFunctionMarkers.Functools ? new JsonCallList(at + marker.Length, bracketInOpener: true) : null),
        [ToolCallFamily.FunctionaryV31] = new(ToolCallFamily.FunctionaryV31, [FunctionaryMarkers.Function, Llama3Markers.PythonTag], [], [Llama3Markers.PythonTag], (marker, at) => marker switch
        {
            FunctionaryMarkers.Function => new NamedJsonCall(at + marker.Length),
            Llama3Markers.PythonTag => new PythonTagCall(at + marker.Length),
            _ => null,
        }),
    };

    /// <summary>The dialect of <paramref name="family"/>.</summary>
    public static ToolCallDialect For(ToolCallFamily family) => All[family];

    private static ToolCallDialect Hermes(ToolCallFamily family) =>
        new(family, [ToolCallFormat.Open], [], [ToolCallFormat.Open, ToolCallFormat.Close], (marker, at) =>
            marker == ToolCallFormat.Open ? new WrappedJsonCall(at + marker.Length, ToolCallFormat.Close) : null);
}

/// <summary>The markers of reasoning models' thinking (DeepSeek-R1 and its distills, Qwen3, QwQ, Granite…).</summary>
public static class ReasoningTags
{
    /// <summary>Opens the thinking.</summary>
    public const string Open = "<think>";

    /// <summary>Closes the thinking; what follows is the answer.</summary>
    public const string Close = "</think>";

    /// <summary>Whether a rendered prompt already opened the thinking (its generation prompt ends with <see cref="Open"/>).</summary>
    public static bool OpenedBy(string prompt) => prompt.AsSpan().TrimEnd().EndsWith(Open, StringComparison.Ordinal);
}

internal static class Llama3Markers
{
    public const string PythonTag = "<|python_tag|>";
}

internal static class MistralMarkers
{
    public const string ToolCalls = "[TOOL_CALLS]";
}

internal static class FireFunctionMarkers
{
    public const string Functools = "functools[";
}

internal static class FunctionaryMarkers
{
    public const string Function = "<function=";
}
