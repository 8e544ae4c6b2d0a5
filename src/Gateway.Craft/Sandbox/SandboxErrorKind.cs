namespace Gateway.Craft.Sandbox;

/// <summary>Why a sandbox run produced no result.</summary>
public enum SandboxErrorKind
{
    /// <summary>The run took longer than <see cref="SandboxOptions.Timeout"/> or was cancelled.</summary>
    Timeout,

    /// <summary>
    /// The script allocated more than <see cref="SandboxOptions.MemoryLimitBytes"/> or, inside one call, more than its
    /// worker's <see cref="SandboxOptions.WorkerMemoryLimitBytes"/>, or built too large an array or string.
    /// </summary>
    Memory,

    /// <summary>The script executed more than <see cref="SandboxOptions.MaxStatements"/> statements.</summary>
    Statements,

    /// <summary>Calls nested deeper than <see cref="SandboxOptions.MaxRecursionDepth"/> (or the native stack ran short).</summary>
    Recursion,

    /// <summary>The script did not parse, threw, or used something the sandbox does not offer.</summary>
    ScriptError,

    /// <summary>The script returned something that is not JSON (undefined, a function, a promise, a cycle) or too much of it.</summary>
    BadOutput,

    /// <summary>The code or arguments were larger than the sandbox accepts, or the arguments were not a JSON object.</summary>
    BadInput,

    /// <summary>
    /// The worker process running the code could not start, ended during the run (it crashed or was killed from
    /// outside) or answered out of protocol. The run may be retried: the next run gets a fresh worker.
    /// </summary>
    WorkerFailed,
}
