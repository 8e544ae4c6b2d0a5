using System.Text.Json;

namespace Gateway.Inference.Protocol.ToolFormats;

/// <summary>
/// Reads one call written as a JSON object, <c>{"name": "f", "arguments": {…}}</c> (or <c>"parameters"</c>), from
/// text that is still arriving: the name as soon as the head is written, then the arguments as they grow, so a
/// streaming client sees them while the model writes. A call whose keys come in another order is read whole once
/// the object closes.
/// </summary>
internal sealed class JsonCallReader(int start)
{
    /// <summary>How far into an object its head is looked for; past that, only the whole object is read.</summary>
    private const int MaxHead = 1024;

    private readonly JsonExtent _object = new(start);
    private JsonExtent? _arguments;
    private int _argumentsSent;
    private bool _headGiveUp;

    public string? Name { get; private set; }

    /// <summary>The index just past the object, once it has closed.</summary>
    public int End => _object.End;

    /// <summary>
    /// Reads what has arrived. Returns false when the text cannot be such a call: it is not an object, or the whole
    /// object names no tool. <paramref name="started"/> is set the step the name becomes known; <paramref name="arguments"/>
    /// is the arguments text that arrived since the last step.
    /// </summary>
    public bool Advance(string text, bool final, out bool started, out string arguments)
    {
        started = false;
        arguments = "";
        if (!_object.Advance(text) || (_object.Begun && text[_object.Start] != '{'))
        {
            return false;
        }
        if (Name is null && !_headGiveUp)
        {
            switch (Head(text, _object.Start, out var name, out var argumentsStart))
            {
                case HeadResult.Found:
                    Name = name;
                    started = true;
                    _arguments = new JsonExtent(argumentsStart);
                    break;
                case HeadResult.No:
                    _headGiveUp = true;
                    break;
                case HeadResult.NeedMore when text.Length - _object.Start > MaxHead:
                    _headGiveUp = true;
                    break;
            }
        }
        if (_arguments is { } args)
        {
            if (!args.Advance(text, final || _object.IsComplete))
            {
                _arguments = null; // Not JSON after the key: the whole object is read once it closes.
            }
            else
            {
                if (args.Begun && _argumentsSent < args.Start)
                {
                    _argumentsSent = args.Start;
                }
                var upTo = args.IsComplete ? args.End : text.Length;
                if (args.Begun && upTo > _argumentsSent)
                {
                    arguments = text[_argumentsSent..upTo];
                    _argumentsSent = upTo;
                }
                return true;
            }
        }
        if (!_object.IsComplete)
        {
            return !final || Name is not null;
        }
        if (Name is not null)
        {
            return true;
        }
        return Whole(text[_object.Start.._object.End], out started, out arguments);
    }

    private bool Whole(string json, out bool started, out string arguments)
    {
        started = false;
        arguments = "";
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String)
            {
                return false;
            }
            Name = n.GetString()!;
            started = true;
            arguments = doc.RootElement.TryGetProperty("arguments", out var a) || doc.RootElement.TryGetProperty("parameters", out a) ? a.GetRawText() : "{}";
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private enum HeadResult { Found, No, NeedMore }

    /// <summary>Matches <c>{ ("type": "function",)? "name": "…", ("arguments"|"parameters"): </c> at <paramref name="at"/>.</summary>
    private static HeadResult Head(string text, int at, out string name, out int argumentsStart)
    {
        name = "";
        argumentsStart = -1;
        var i = at + 1;
        if (!Key(text, ref i, out var key))
        {
            return i >= text.Length ? HeadResult.NeedMore : HeadResult.No;
        }
        if (key == "type")
        {
            if (!StringValue(text, ref i, out var type) || !Comma(text, ref i) || !Key(text, ref i, out key))
            {
                return i >= text.Length ? HeadResult.NeedMore : HeadResult.No;
            }
            if (type != "function")
            {
                return HeadResult.No;
            }
        }
        if (key != "name")
        {
            return HeadResult.No;
        }
        if (!StringValue(text, ref i, out name) || !Comma(text, ref i) || !Key(text, ref i, out key))
        {
            return i >= text.Length ? HeadResult.NeedMore : HeadResult.No;
        }
        if (key is not ("arguments" or "parameters"))
        {
            return HeadResult.No;
        }
        argumentsStart = i;
        return HeadResult.Found;
    }

    /// <summary>A quoted key and its colon; <paramref name="i"/> ends past the colon and any whitespace.</summary>
    private static bool Key(string text, ref int i, out string key) =>
        StringValue(text, ref i, out key) && Expect(text, ref i, ':');

    private static bool Comma(string text, ref int i) => Expect(text, ref i, ',');

    private static bool Expect(string text, ref int i, char c)
    {
        SkipSpace(text, ref i);
        if (i >= text.Length || text[i] != c)
        {
            return false;
        }
        i++;
        SkipSpace(text, ref i);
        return true;
    }

    private static bool StringValue(string text, ref int i, out string value)
    {
        value = "";
        SkipSpace(text, ref i);
        if (i >= text.Length || text[i] != '"')
        {
            return false;
        }
        var end = i + 1;
        for (var escaped = false; end < text.Length; end++)
        {
            if (escaped)
            {
                escaped = false;
            }
            else if (text[end] == '\\')
            {
                escaped = true;
            }
            else if (text[end] == '"')
            {
                break;
            }
        }
        if (end >= text.Length)
        {
            i = text.Length;
            return false;
        }
        try
        {
            value = JsonSerializer.Deserialize<string>(text.AsSpan(i, end - i + 1)) ?? "";
        }
        catch (JsonException)
        {
            return false;
        }
        i = end + 1;
        return true;
    }

    private static void SkipSpace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }
}
