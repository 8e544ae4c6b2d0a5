using System.Text.Json;
using System.Text.RegularExpressions;
using Acornima;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Gateway.Craft.Worker;

/// <summary>
/// Runs one script in a fresh Jint engine: strict mode, no access to the CLR, files, network, timers or
/// environment (the engine offers none of them and the sandbox adds none), and the engine's own limits on time,
/// memory (checked between statements), statements, recursion, array and string sizes and regular expressions.
/// Every failure comes back as a <see cref="WorkerReply"/>, never as an exception.
/// </summary>
internal sealed class SandboxEngine
{
    // A message can quote the script (a thrown string); the gateway needs the gist, not megabytes of it.
    private const int MaxMessageChars = 2_000;

    private readonly WorkerLimits _limits;
    private readonly Prepared<Acornima.Ast.Script> _prelude;

    public SandboxEngine(WorkerLimits limits)
    {
        _limits = limits;
        _prelude = Engine.PrepareScript(SandboxPrelude.Create(limits.MaxStringLength), "prelude.js", strict: true);
    }

    /// <summary>The script a tool call runs: the tool's code, then the runner that calls it with the arguments.</summary>
    public static string ToolScript(string code, string function) => code + SandboxPrelude.Runner(function, withArguments: true);

    /// <summary>The script a program runs: the tools' code and the program, then the runner that calls <c>solve()</c>.</summary>
    public static string ProgramScript(string code) => code + SandboxPrelude.Runner("solve", withArguments: false);

    /// <summary>Runs <paramref name="request"/> on the calling thread, which must have a large enough stack.</summary>
    /// <param name="request">The script and its input.</param>
    /// <param name="timeout">The run's time limit; default <see cref="WorkerLimits.Timeout"/>.</param>
    public WorkerReply Run(WorkerRequest request, TimeSpan? timeout = null)
    {
        var limit = timeout ?? _limits.Timeout;
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            var engine = new Engine(o =>
            {
                o.Strict();
                o.DisableStringCompilation();
                o.TimeoutInterval(limit);
                o.CancellationToken(deadline.Token);
                o.LimitMemory(_limits.MemoryLimitBytes);
                o.MaxStatements(_limits.MaxStatements);
                o.LimitRecursion(_limits.MaxRecursionDepth);
                o.MaxArraySize((uint)_limits.MaxArrayLength);
                o.MaxJsonParseDepth(_limits.MaxJsonDepth);
                o.RegexTimeoutInterval(_limits.RegexTimeout);
                o.Constraints.StackOverflowGuard = true;
                o.Constraints.PromiseTimeout = limit;
                o.TimeZone = TimeZoneInfo.Utc;
                o.Culture = System.Globalization.CultureInfo.InvariantCulture;
            });
            engine.Execute(in _prelude);
            if (request.Input is not null)
            {
                engine.SetValue(SandboxPrelude.InputVariable, new JsString(request.Input));
            }

            var result = engine.Evaluate(request.Script, "tool.js");
            return ToReply(request.Id, result);
        }
        catch (Exception ex)
        {
            return Classify(request.Id, ex, deadline.Token);
        }
    }

    private WorkerReply ToReply(long id, JsValue result)
    {
        if (result is not JsArray { Length: 2 } pair || pair[0].ToString() is not ("ok" or "bad"))
        {
            return Failure(id, WorkerErrors.BadOutput, "The script replaced the sandbox's output function.");
        }

        var text = pair[1].IsString() ? pair[1].AsString() : pair[1].ToString();
        if (pair[0].ToString() == "bad")
        {
            return Failure(id, WorkerErrors.BadOutput, "The tool " + text + ".");
        }

        if (text.Length > _limits.MaxOutputChars)
        {
            return Failure(id, WorkerErrors.BadOutput, $"The tool returned {text.Length} characters of JSON; at most {_limits.MaxOutputChars} are allowed.");
        }

        try
        {
            using var _ = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = _limits.MaxJsonDepth });
        }
        catch (JsonException ex)
        {
            return Failure(id, WorkerErrors.BadOutput, "The tool's return value is not JSON the gateway accepts: " + ex.Message);
        }

        return new WorkerReply(id, text, null, null);
    }

    private WorkerReply Classify(long id, Exception ex, CancellationToken deadline) => ex switch
    {
        RegexMatchTimeoutException =>
            Failure(id, WorkerErrors.Timeout, "A regular expression took longer than " + _limits.RegexTimeout.TotalMilliseconds + " ms."),
        ExecutionCanceledException or OperationCanceledException or TimeoutException =>
            Failure(id, WorkerErrors.Timeout, $"The script ran longer than {_limits.Timeout.TotalSeconds:0.###} s."),
        // The heap hit the worker's cap inside one call: the runtime's state is not trusted after that.
        OutOfMemoryException or InsufficientMemoryException =>
            Failure(id, WorkerErrors.Memory, "The script used more memory than the sandbox allows.") with { Recycle = true },
        MemoryLimitExceededException =>
            Failure(id, WorkerErrors.Memory, $"The script used too much memory ({ex.Message})"),
        StatementsCountOverflowException =>
            Failure(id, WorkerErrors.Statements, $"The script executed more than {_limits.MaxStatements} statements."),
        RecursionDepthOverflowException or InsufficientExecutionStackException =>
            Failure(id, WorkerErrors.Recursion, $"Calls nested deeper than the sandbox allows ({_limits.MaxRecursionDepth})."),
        JavaScriptException js when js.Message.Contains("Maximum call stack size exceeded", StringComparison.Ordinal) =>
            Failure(id, WorkerErrors.Recursion, "Maximum call stack size exceeded."),
        JavaScriptException js when js.Message.Contains("String too long for the sandbox", StringComparison.Ordinal)
            || js.Message.Contains("Invalid string length", StringComparison.Ordinal) =>
            Failure(id, WorkerErrors.Memory, js.Message),
        JavaScriptException js =>
            Failure(id, WorkerErrors.ScriptError, Describe(js)),
        ParseErrorException or ScriptPreparationException =>
            Failure(id, WorkerErrors.ScriptError, "Syntax error: " + ex.Message),
        _ when deadline.IsCancellationRequested =>
            Failure(id, WorkerErrors.Timeout, $"The script ran longer than {_limits.Timeout.TotalSeconds:0.###} s."),
        _ => Failure(id, WorkerErrors.ScriptError, ex.GetType().Name + ": " + ex.Message),
    };

    private static WorkerReply Failure(long id, string error, string message) =>
        new(id, null, error, message.Length > MaxMessageChars ? message[..MaxMessageChars] + "…" : message);

    private static string Describe(JavaScriptException js)
    {
        var kind = js.Error is Jint.Native.Object.ObjectInstance error && error.Get("name") is { } name && name.IsString() ? name.AsString() : "Error";
        return $"{kind}: {js.Message} (line {js.Location.Start.Line}, column {js.Location.Start.Column})";
    }
}
