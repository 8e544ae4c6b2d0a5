using System.Security.Cryptography;

namespace Gateway.Inference.Protocol.ToolFormats;

/// <summary>
/// How one <see cref="ToolCallFamily"/> writes calls: the markers that open them, the special tokens that must be
/// rendered as text for them to be seen, and how its call ids look.
/// </summary>
public sealed class ToolCallDialect
{
    private readonly Func<string, int, CallBlock?> _open;

    private ToolCallDialect(
        ToolCallFamily family, string[] openers, string[] startOpeners, string[] preserved, Func<string, int, CallBlock?> open, string[]? triggers = null, string[]? startTriggers = null)
    {
        Family = family;
        Openers = openers;
        StartOpeners = startOpeners;
        LazyTriggers = triggers ?? openers;
        LazyStartTriggers = startTriggers ?? [];
        PreservedTokens = [.. preserved, ReasoningTags.Open, ReasoningTags.Close];
        _open = open;
    }

    /// <summary>The family this dialect reads and writes.</summary>
    public ToolCallFamily Family { get; }

    /// <summary>Markers that open a call wherever they appear in an answer's content.</summary>
    public IReadOnlyList<string> Openers { get; }

    /// <summary>Markers that open a call only as the first thing an answer's content says (Llama 3's bare JSON).</summary>
    public IReadOnlyList<string> StartOpeners { get; }

    /// <summary>
    /// The text at which <c>tool_choice: auto</c>'s lazy grammar starts to apply, wherever it appears outside the
    /// thinking; it is where the grammar of <see cref="Grammar.ToolGrammar"/> begins.
    /// </summary>
    public IReadOnlyList<string> LazyTriggers { get; }

    /// <summary>Like <see cref="LazyTriggers"/>, but only as the first thing the answer says.</summary>
    public IReadOnlyList<string> LazyStartTriggers { get; }

    /// <summary>Token texts to render even when the vocabulary marks them special (control tokens are otherwise dropped).</summary>
    public IReadOnlyList<string> PreservedTokens { get; }

    /// <summary>Whether the model needs the tools described in an added system message (its template does not render them).</summary>
    public bool NeedsInstructions => Family == ToolCallFamily.Generic;

    /// <summary>A fresh id for a parsed call: Mistral templates accept only 9 letters and digits, others take OpenAI's form.</summary>
    public string NewCallId()
    {
        if (Family is ToolCallFamily.Mistral or ToolCallFamily.MistralArgs)
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
        }, triggers: [], startTriggers: ["{\"name\"", "{ \"name\""]),
        [ToolCallFamily.Mistral] = Mistral(ToolCallFamily.Mistral),
        [ToolCallFamily.MistralArgs] = Mistral(ToolCallFamily.MistralArgs),
        [ToolCallFamily.FireFunction] = new(ToolCallFamily.FireFunction, [FireFunctionMarkers.Functools], [], [], (marker, at) =>
            marker == FireFunctionMarkers.Functools ? new JsonCallList(at + marker.Length, bracketInOpener: true) : null),
        [ToolCallFamily.FunctionaryV31] = new(ToolCallFamily.FunctionaryV31, [FunctionaryMarkers.Function, Llama3Markers.PythonTag], [], [Llama3Markers.PythonTag], (marker, at) => marker switch
        {
            FunctionaryMarkers.Function => new NamedJsonCall(at + marker.Length, ">", "</function>"),
            Llama3Markers.PythonTag => new PythonTagCall(at + marker.Length),
            _ => null,
        }, triggers: [FunctionaryMarkers.Function]),
    };

    /// <summary>The dialect of <paramref name="family"/>.</summary>
    public static ToolCallDialect For(ToolCallFamily family) => All[family];

    /// <summary>Both Mistral forms are read whichever the template writes: a model may answer in either.</summary>
    private static ToolCallDialect Mistral(ToolCallFamily family) =>
        new(family, [MistralMarkers.ToolCalls], [], [MistralMarkers.ToolCalls, MistralMarkers.Args, MistralMarkers.CallId], (marker, at) =>
            marker == MistralMarkers.ToolCalls
                ? new FirstCharacterBlock(at + marker.Length, (c, i) => c == '['
                    ? new JsonCallList(i, bracketInOpener: false)
                    : new NamedJsonCall(i, MistralMarkers.Args, "", MistralMarkers.CallId))
                : null);

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
    public const string Args = "[ARGS]";
    public const string CallId = "[CALL_ID]";
}

internal static class FireFunctionMarkers
{
    public const string Functools = "functools[";
}

internal static class FunctionaryMarkers
{
    public const string Function = "<function=";
}
