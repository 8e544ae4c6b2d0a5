namespace Gateway.Craft.Worker;

/// <summary>The error kinds a worker reports: the names of the gateway's <c>SandboxErrorKind</c> values.</summary>
internal static class WorkerErrors
{
    public const string Timeout = "Timeout";
    public const string Memory = "Memory";
    public const string Statements = "Statements";
    public const string Recursion = "Recursion";
    public const string ScriptError = "ScriptError";
    public const string BadOutput = "BadOutput";

    /// <summary>Every kind above, for the check that each names a <c>SandboxErrorKind</c>.</summary>
    public static readonly string[] All = [Timeout, Memory, Statements, Recursion, ScriptError, BadOutput];
}
