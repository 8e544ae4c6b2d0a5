using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Craft.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Craft.Sandbox;

/// <summary>
/// Runs tool code, JavaScript, with Jint in worker processes (<c>Gateway.Craft.Worker</c>), never in the gateway:
/// strict mode, no access to the CLR, files, network, timers or environment (the engine offers none of them and
/// the sandbox adds none), and limits on time, memory, statements, recursion, array and string sizes, regular
/// expressions, and the sizes of code, input and output. Every run gets a fresh engine. A worker's heap is capped,
/// so an allocation past the cap fails inside the worker, even one made by a single built-in call; a worker that
/// overran its time or heap, crashed or broke the protocol is killed and replaced, and its slot comes back only
/// once its process has exited. Every failure comes back as a typed <see cref="SandboxResult"/>, never as an
/// exception or a hang of the caller.
/// </summary>
public sealed partial class JsSandbox : IDisposable
{
    // Beyond the run's own limit, how long to wait for a worker whose engine does not stop before killing it.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    // How long a caller waits for a killed worker to exit; its slot waits for the exit however long it takes.
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _slots;
    private readonly SandboxWorkerPool _pool;
    private readonly ILogger _logger;

    /// <summary>Creates a sandbox. No worker process starts until the first run; at most <see cref="SandboxOptions.MaxConcurrentRuns"/> runs proceed at once, later ones wait.</summary>
    /// <param name="options">The limits; null for the <see cref="SandboxOptions"/> defaults.</param>
    /// <param name="logger">Where worker failures are logged; null for none.</param>
    public JsSandbox(SandboxOptions? options = null, ILogger<JsSandbox>? logger = null)
    {
        Options = options ?? new SandboxOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _slots = new SemaphoreSlim(Options.MaxConcurrentRuns, Options.MaxConcurrentRuns);
        _pool = new SandboxWorkerPool(Options, _logger);
    }

    /// <summary>The limits every run and worker of this sandbox has.</summary>
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

        return RunAsync(SandboxEngine.ToolScript(code, function), argumentsJson, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="tools"/>' code followed by <paramref name="program"/>, which must define <c>function solve()</c>,
    /// and returns the value of <c>solve()</c> as JSON.
    /// </summary>
    public Task<SandboxResult> RunProgramAsync(string program, IEnumerable<string>? tools = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        var code = string.Join("\n;\n", (tools ?? []).Append(program));
        return RunAsync(SandboxEngine.ProgramScript(code), null, cancellationToken);
    }

    /// <summary>True for a plain JavaScript identifier (letters, digits, <c>_</c> and <c>$</c>; not starting with a digit).</summary>
    public static bool IsIdentifier(string? name) => name is not null && IdentifierPattern().IsMatch(name);

    /// <summary>Kills every worker; runs still going end with <see cref="SandboxErrorKind.WorkerFailed"/>.</summary>
    public void Dispose() => _pool.Dispose();

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$]{0,127}$")]
    private static partial Regex IdentifierPattern();
}
