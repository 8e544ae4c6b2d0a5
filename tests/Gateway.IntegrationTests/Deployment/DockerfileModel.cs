using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>One Dockerfile instruction, continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line)
{
    /// <summary>The exec (JSON array) form's words, or null for the shell form.</summary>
    public IReadOnlyList<string>? ExecForm(string? afterPrefix = null)
    {
        var text = afterPrefix is null ? Arguments : Arguments[(Arguments.IndexOf(afterPrefix, StringComparison.Ordinal) + afterPrefix.Length)..];
        text = text.Trim();
        return text.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(text) : null;
    }
}

/// <summary>One build stage: its base, its name and its instructions.</summary>
internal sealed record DockerStage(string Base, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) =>
        Instructions.Where(i => i.Keyword.Equals(keyword, StringComparison.OrdinalIgnoreCase));

    public DockerInstruction? Last(string keyword) => All(keyword).LastOrDefault();
}

/// <summary>A COPY or ADD in its shell form: flags, sources and destination.</summary>
internal sealed record DockerCopy(IReadOnlyDictionary<string, string> Flags, IReadOnlyList<string> Sources, string Destination)
{
    public string? From => Flags.GetValueOrDefault("from");
}

/// <summary>
/// The parts of Dockerfile syntax this repository's Dockerfile uses: parser directives and comments,
/// line continuations, global ARG defaults in FROM, stages, ENV (both forms), COPY flags.
/// </summary>
internal sealed partial class DockerfileModel
{
    private DockerfileModel(IReadOnlyDictionary<string, string> globalArgs, IReadOnlyList<DockerStage> stages)
    {
        GlobalArgs = globalArgs;
        Stages = stages;
    }

    /// <summary>ARGs declared before the first FROM, with their defaults.</summary>
    public IReadOnlyDictionary<string, string> GlobalArgs { get; }

    public IReadOnlyList<DockerStage> Stages { get; }

    /// <summary>The stage <c>docker build</c> produces without <c>--target</c>.</summary>
    public DockerStage Final => Stages[^1];

    public DockerStage Stage(string name) => Stages.Single(s => s.Name == name);

    public static DockerfileModel Load(string path) => Parse(File.ReadAllText(path));

    public static DockerfileModel Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var pending = new StringBuilder();
        var startLine = 0;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith('#') || (pending.Length == 0 && trimmed.Length == 0))
            {
                continue;
            }

            if (pending.Length == 0)
            {
                startLine = i + 1;
            }

            var continued = line.EndsWith('\\');
            pending.Append(continued ? line[..^1] : line).Append(' ');
            if (!continued)
            {
                var joined = pending.ToString().Trim();
                pending.Clear();
                var space = joined.IndexOfAny([' ', '\t']);
                instructions.Add(space < 0
                    ? new DockerInstruction(joined.ToUpperInvariant(), string.Empty, startLine)
                    : new DockerInstruction(joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim(), startLine));
            }
        }

        var globalArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<DockerStage>();
        List<DockerInstruction>? current = null;
        string? currentBase = null, currentName = null;
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                if (current is not null)
                {
                    stages.Add(new DockerStage(currentBase!, currentName, current));
                }

                var words = Words(instruction.Arguments).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                currentBase = Substitute(words[0], globalArgs);
                currentName = words.Length >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                current = [];
            }
            else if (current is null)
            {
                if (instruction.Keyword == "ARG")
                {
                    var (name, value) = SplitAssignment(instruction.Arguments);
                    globalArgs[name] = value;
                }
            }
            else
            {
                current.Add(instruction);
            }
        }

        if (current is not null)
        {
            stages.Add(new DockerStage(currentBase!, currentName, current));
        }

        return new DockerfileModel(globalArgs, stages);
    }

    /// <summary>
    /// The environment a stage's containers start with, as far as this Dockerfile sets it: the ENV of
    /// the stage and of the stages it is built FROM (the external base images' own ENV is not known here).
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(DockerStage stage)
    {
        var inherited = Stages.FirstOrDefault(s => s.Name == stage.Base);
        var env = inherited is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(Environment(inherited), StringComparer.Ordinal);
        foreach (var instruction in stage.All("ENV"))
        {
            foreach (var (name, value) in ParseEnv(instruction.Arguments))
            {
                env[name] = value;
            }
        }

        return env;
    }

    /// <summary>The COPY and ADD instructions of every stage.</summary>
    public IEnumerable<(DockerStage Stage, DockerCopy Copy)> Copies() =>
        from stage in Stages
        from instruction in stage.Instructions
        where instruction.Keyword is "COPY" or "ADD"
        select (stage, ParseCopy(instruction.Arguments));

    public static DockerCopy ParseCopy(string arguments)
    {
        var words = Words(arguments);
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = new List<string>();
        foreach (var word in words)
        {
            if (rest.Count == 0 && word.StartsWith("--", StringComparison.Ordinal))
            {
                var (name, value) = SplitAssignment(word[2..]);
                flags[name] = value;
            }
            else
            {
                rest.Add(word);
            }
        }

        return new DockerCopy(flags, rest[..^1], rest[^1]);
    }

    /// <summary>ENV's <c>KEY=VALUE ...</c> form (values may be quoted or empty) and its legacy <c>KEY VALUE</c> form.</summary>
    public static IReadOnlyList<(string Name, string Value)> ParseEnv(string arguments)
    {
        var words = Words(arguments);
        if (words.Count > 0 && !words[0].Contains('=', StringComparison.Ordinal))
        {
            return [(words[0], arguments.Trim()[words[0].Length..].Trim())];
        }

        return [.. words.Select(SplitAssignment)];
    }

    private static (string Name, string Value) SplitAssignment(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (text.Trim(), string.Empty) : (text[..equals].Trim(), text[(equals + 1)..].Trim());
    }

    /// <summary>Splits on whitespace outside quotes, removing the quotes.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char? quote = null;
        var started = false;
        foreach (var c in text)
        {
            if (quote is null && char.IsWhiteSpace(c))
            {
                if (started)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    started = false;
                }
            }
            else if (quote is null && (c == '"' || c == '\''))
            {
                quote = c;
                started = true;
            }
            else if (quote == c)
            {
                quote = null;
            }
            else
            {
                word.Append(c);
                started = true;
            }
        }

        if (started)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static string Substitute(string text, IReadOnlyDictionary<string, string> args) =>
        ArgReference().Replace(text, m => args.GetValueOrDefault(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, string.Empty));

    [GeneratedRegex(@"\$\{(\w+)\}|\$(\w+)")]
    private static partial Regex ArgReference();
}
