using System.Text.Json;
using System.Text.RegularExpressions;
using Acornima;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Gateway.Craft.Sandbox;

/// <summary>
/// Runs tool code, JavaScript, inside the gateway process with Jint: strict mode, no access to the CLR, files,
/// network, timers or environment (the engine offers none of them and the sandbox adds none), and limits on time,
/// memory, statements, recursion, array and string sizes, regular expressions, and the sizes of code, input and
/// output. Every run gets a fresh engine on its own thread; every failure comes back as a typed
/// <see cref="SandboxResult"/>, never as an exception or a hang of the caller.
/// </summary>
public sealed partial class JsSandbox : IDisposable
{
    // Beyond the run's own limit, how long to wait for an engine that does not stop before giving up on its thread.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    // Enough for the recursion limit; Jint's stack guard turns a deeper native recursion into an error, never an overflow.
    private const int ThreadStackBytes = 2 * 1024 * 1024;

    private readonly Prepared<Acornima.Ast.Script> _prelude;
    private readonly SemaphoreSlim _slots;

    public JsSandbox(SandboxOptions? options = null)
    {
        Options = options ?? new SandboxOptions();
        _prelude = Engine.PrepareScript(SandboxPrelude.Create(Options.MaxStringLength), "prelude.js", strict: true);
        _slots = new SemaphoreSlim(Options.MaxConcurrentRuns, Options.MaxConcurrentRuns);
    }

    public SandboxOptions Options { get; }

    /// <summary>
    /// Runs <paramref name="code"/>, which must define <c>function <paramref name="function"/>(args)</c>, and calls it with
    /// <paramref name="argumentsJson"/> (a JSON object) parsed inside the engine. Returns the function's value as JSON.
    /// </summary>
    public Task<SandboxResult> RunToolAsync(string code, string function, string argumentsJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(argumentsJson);
        if (!IsIdentifier(function))
        {
            return Task.FromResult(SandboxResult.Failure(SandboxErrorKind.BadInput, $"'{function}' is not a valid function name."));
        }

        if (argumentsJson.Length > Options.MaxInputChars)
        {
            return Task.FromResult(SandboxResult.Failure(SandboxErrorKind.BadInput, $"The arguments are {argumentsJson.Length} characters; the sandbox accepts at most {Options.MaxInputChars}."));
        }

        try
        {
            using var arguments = JsonDocument.Parse(argumentsJson, new JsonDocumentOptions { MaxDepth = Options.MaxJsonDepth });
            if (arguments.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Task.FromResult(SandboxResult.Failure(SandboxErrorKind.BadInput, "The arguments must be a JSON object."));
            }
        }
        catch (JsonException ex)
        {
            return Task.FromResult(SandboxResult.Failure(SandboxErrorKind.BadInput, "The arguments are not valid JSON: " + ex.Message));
        }

        return RunAsync(code + SandboxPrelude.Runner(function, withArguments: true), argumentsJson, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="tools"/>' code followed by <paramref name="program"/>, which must define <c>function solve()</c>,
    /// and returns the value of <c>solve()</c> as JSON.
    /// </summary>
    public Task<SandboxResult> RunProgramAsync(string program, IEnumerable<string>? tools = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        var code = string.Join("\n;\n", (tools ?? []).Append(program));
        return RunAsync(code + SandboxPrelude.Runner("solve", withArguments: false), null, cancellationToken);
    }

    private async Task<SandboxResult> RunAsync(string script, string? input, CancellationToken cancellationToken)
    {
        if (script.Length > Options.MaxCodeChars + 400)
        {
            return SandboxResult.Failure(SandboxErrorKind.BadInput, $"The code is {script.Length} characters; the sandbox accepts at most {Options.MaxCodeChars}.");
        }

        if (!await _slots.WaitAsync(Options.Timeout, cancellationToken).ConfigureAwait(false))
        {
            return SandboxResult.Failure(SandboxErrorKind.Timeout, "Every sandbox slot stayed busy for the whole time limit.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.Timeout);
        var done = new TaskCompletionSource<SandboxResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var token = deadline.Token;
        var thread = new Thread(() =>
        {
            // An exception escaping this thread would end the process: everything becomes a result.
            SandboxResult result;
            try
            {
                result = Execute(script, input, token, cancellationToken);
            }
            catch (Exception ex)
            {
                result = SandboxResult.Failure(SandboxErrorKind.ScriptError, ex.GetType().Name + ": " + ex.Message);
            }

            try
            {
                _slots.Release();
            }
            catch (ObjectDisposedException)
            {
                // The sandbox was disposed while this run, abandoned after its deadline, was still going.
            }

            done.TrySetResult(result);
        }, ThreadStackBytes)
        {
            IsBackground = true,
            Name = "craft-sandbox",
        };
        thread.Start();

        try
        {
            return await done.Task.WaitAsync(Options.Timeout + Grace, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The engine ignored its deadline inside one built-in call; its thread keeps its slot until it ends.
            return SandboxResult.Failure(SandboxErrorKind.Timeout, $"The script did not stop within {Options.Timeout.TotalSeconds:0.###} s.");
        }
    }

    private SandboxResult Execute(string script, string? input, CancellationToken deadline, CancellationToken caller)
    {
        try
        {
            var engine = new Engine(o =>
            {
                o.Strict();
                o.DisableStringCompilation();
                o.TimeoutInterval(Options.Timeout);
                o.CancellationToken(deadline);
                o.LimitMemory(Options.MemoryLimitBytes);
                o.MaxStatements(Options.MaxStatements);
                o.LimitRecursion(Options.MaxRecursionDepth);
                o.MaxArraySize((uint)Options.MaxArrayLength);
                o.MaxJsonParseDepth(Options.MaxJsonDepth);
                o.RegexTimeoutInterval(Options.RegexTimeout);
                o.Constraints.StackOverflowGuard = true;
                o.Constraints.PromiseTimeout = Options.Timeout;
                o.TimeZone = TimeZoneInfo.Utc;
                o.Culture = System.Globalization.CultureInfo.InvariantCulture;
            });
            engine.Execute(in _prelude);
            if (input is not null)
            {
                engine.SetValue(SandboxPrelude.InputVariable, new JsString(input));
            }

            var result = engine.Evaluate(script, "tool.js");
            return ToResult(result);
        }
        catch (Exception ex)
        {
            return Classify(ex, deadline, caller);
        }
    }

    private SandboxResult ToResult(JsValue result)
    {
        if (result is not JsArray { Length: 2 } pair || pair[0].ToString() is not ("ok" or "bad"))
        {
            return SandboxResult.Failure(SandboxErrorKind.BadOutput, "The script replaced the sandbox's output function.");
        }

        var text = pair[1].IsString() ? pair[1].AsString() : pair[1].ToString();
        if (pair[0].ToString() == "bad")
        {
            return SandboxResult.Failure(SandboxErrorKind.BadOutput, "The tool " + text + ".");
        }

        if (text.Length > Options.MaxOutputChars)
        {
            return SandboxResult.Failure(SandboxErrorKind.BadOutput, $"The tool returned {text.Length} characters of JSON; at most {Options.MaxOutputChars} are allowed.");
        }

        try
        {
            using var _ = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = Options.MaxJsonDepth });
        }
        catch (JsonException ex)
        {
            return SandboxResult.Failure(SandboxErrorKind.BadOutput, "The tool's return value is not JSON the gateway accepts: " + ex.Message);
        }

        return SandboxResult.Success(text);
    }

    private SandboxResult Classify(Exception ex, CancellationToken deadline, CancellationToken caller) => ex switch
    {
        ExecutionCanceledException or OperationCanceledException when caller.IsCancellationRequested =>
            SandboxResult.Failure(SandboxErrorKind.Timeout, "The run was cancelled."),
        RegexMatchTimeoutException =>
            SandboxResult.Failure(SandboxErrorKind.Timeout, "A regular expression took longer than " + Options.RegexTimeout.TotalMilliseconds + " ms."),
        ExecutionCanceledException or OperationCanceledException or TimeoutException =>
            SandboxResult.Failure(SandboxErrorKind.Timeout, $"The script ran longer than {Options.Timeout.TotalSeconds:0.###} s."),
        MemoryLimitExceededException or OutOfMemoryException =>
            SandboxResult.Failure(SandboxErrorKind.Memory, $"The script used too much memory ({ex.Message})"),
        StatementsCountOverflowException =>
            SandboxResult.Failure(SandboxErrorKind.Statements, $"The script executed more than {Options.MaxStatements} statements."),
        RecursionDepthOverflowException or InsufficientExecutionStackException =>
            SandboxResult.Failure(SandboxErrorKind.Recursion, $"Calls nested deeper than the sandbox allows ({Options.MaxRecursionDepth})."),
        JavaScriptException js when js.Message.Contains("Maximum call stack size exceeded", StringComparison.Ordinal) =>
            SandboxResult.Failure(SandboxErrorKind.Recursion, "Maximum call stack size exceeded."),
        JavaScriptException js when js.Message.Contains("String too long for the sandbox", StringComparison.Ordinal)
            || js.Message.Contains("Invalid string length", StringComparison.Ordinal) =>
            SandboxResult.Failure(SandboxErrorKind.Memory, js.Message),
        JavaScriptException js =>
            SandboxResult.Failure(SandboxErrorKind.ScriptError, Describe(js)),
        ParseErrorException or ScriptPreparationException =>
            SandboxResult.Failure(SandboxErrorKind.ScriptError, "Syntax error: " + ex.Message),
        _ when deadline.IsCancellationRequested && !caller.IsCancellationRequested =>
            SandboxResult.Failure(SandboxErrorKind.Timeout, $"The script ran longer than {Options.Timeout.TotalSeconds:0.###} s."),
        _ => SandboxResult.Failure(SandboxErrorKind.ScriptError, ex.GetType().Name + ": " + ex.Message),
    };

    private static string Describe(JavaScriptException js)
    {
        var kind = js.Error is Jint.Native.Object.ObjectInstance error && error.Get("name") is { } name && name.IsString() ? name.AsString() : "Error";
        return $"{kind}: {js.Message} (line {js.Location.Start.Line}, column {js.Location.Start.Column})";
    }

    /// <summary>True for a plain JavaScript identifier (letters, digits, <c>_</c> and <c>$</c>; not starting with a digit).</summary>
    public static bool IsIdentifier(string? name) => name is not null && IdentifierPattern().IsMatch(name);

    public void Dispose() => _slots.Dispose();

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$]{0,127}$")]
    private static partial Regex IdentifierPattern();
}
