using System.Text.Json.Nodes;
using Gateway.Craft.Sandbox;

namespace Gateway.UnitTests.Craft;

/// <summary>
/// Hostile tool code is stopped within its limit with a typed error, and the sandbox keeps working. The tests
/// share one sandbox (and so its worker processes), which makes "the next call works" a claim about the same workers.
/// </summary>
public sealed class JsSandboxTests(JsSandboxTests.SharedSandbox shared) : IClassFixture<JsSandboxTests.SharedSandbox>
{
    private const string Healthy = "function add({ a, b }) { return a + b; }";

    private readonly JsSandbox _sandbox = shared.Sandbox;

    public sealed class SharedSandbox : IDisposable
    {
        public JsSandbox Sandbox { get; } = new(new SandboxOptions
        {
            // Generous time, so that loops deterministically run out of statements first.
            Timeout = TimeSpan.FromSeconds(20),
            MemoryLimitBytes = 16_000_000,
            MaxStatements = 500_000,
            MaxRecursionDepth = 64,
            MaxStringLength = 1_000_000,
            MaxInputChars = 1_000,
            MaxOutputChars = 1_000,
        });

        public void Dispose() => Sandbox.Dispose();
    }

    [Fact]
    public async Task RunTool_PlainFunction_ReturnsItsValueAsJson()
    {
        var result = await _sandbox.RunToolAsync("function stats({ xs }) { return { sum: xs.reduce((a, b) => a + b, 0), n: xs.length }; }", "stats", """{"xs":[1,2,3]}""");

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"sum":6,"n":3}"""), result.Value));
    }

    [Fact]
    public async Task RunProgram_ToolsAndSolve_CallsTheToolsAndReturnsSolve()
    {
        var result = await _sandbox.RunProgramAsync("function solve() { return add({ a: 2, b: 40 }); }", [Healthy]);

        Assert.Equal("42", result.Json);
    }

    [Theory]
    [InlineData("while (true) {}", SandboxErrorKind.Statements)]
    [InlineData("for (;;) {}", SandboxErrorKind.Statements)]
    [InlineData("do {} while (true);", SandboxErrorKind.Statements)]
    [InlineData("const a = []; while (true) { a.push(new Array(10000).fill(1)); }", SandboxErrorKind.Memory)]
    [InlineData("let s = 'x'; while (true) { s += s; }", SandboxErrorKind.Memory)]
    [InlineData("return 'x'.repeat(2 ** 28).length;", SandboxErrorKind.Memory)]
    [InlineData("return 'x'.padEnd(2 ** 29, 'y').length;", SandboxErrorKind.Memory)]
    [InlineData("return [1, 2, 3].join('x'.repeat(900000)).length;", SandboxErrorKind.Memory)]
    [InlineData("return 'aaaa'.repeat(1000).replaceAll('a', 'b'.repeat(1000)).length;", SandboxErrorKind.Memory)]
    [InlineData("return new Array(2 ** 31).fill(0).length;", SandboxErrorKind.Memory)]
    [InlineData("return Array.from({ length: 1e8 }, (_, i) => i).length;", SandboxErrorKind.Memory)]
    [InlineData("const f = (n) => f(n + 1); return f(0);", SandboxErrorKind.Recursion)]
    [InlineData("let o = {}; for (let i = 0; i < 50000; i++) { o = { a: o }; } return JSON.stringify(o).length;", SandboxErrorKind.Recursion)]
    [InlineData("return /(a+)+$/.test('a'.repeat(40) + 'b');", SandboxErrorKind.Timeout)]
    [InlineData("return System.IO.File.ReadAllText('/etc/passwd');", SandboxErrorKind.ScriptError)]
    [InlineData("return importNamespace('System.IO').File.ReadAllText('/etc/passwd');", SandboxErrorKind.ScriptError)]
    [InlineData("return clrHelper.typeOf('x');", SandboxErrorKind.ScriptError)]
    [InlineData("return require('fs').readFileSync('/etc/passwd', 'utf8');", SandboxErrorKind.ScriptError)]
    [InlineData("return fetch('http://127.0.0.1/');", SandboxErrorKind.ScriptError)]
    [InlineData("const x = new XMLHttpRequest(); x.open('GET', 'http://127.0.0.1/'); return 1;", SandboxErrorKind.ScriptError)]
    [InlineData("setTimeout(() => {}, 10); return 1;", SandboxErrorKind.ScriptError)]
    [InlineData("return process.env.PATH;", SandboxErrorKind.ScriptError)]
    [InlineData("return eval('1 + 1');", SandboxErrorKind.ScriptError)]
    [InlineData("return new Function('return this')();", SandboxErrorKind.ScriptError)]
    [InlineData("return (function () {}).constructor('return globalThis')();", SandboxErrorKind.ScriptError)]
    [InlineData("return (async function () {}).constructor('return 1')();", SandboxErrorKind.ScriptError)]
    [InlineData("return globalThis.constructor.constructor('return process')();", SandboxErrorKind.ScriptError)]
    [InlineData("return Object.getPrototypeOf(function* () {}).constructor('yield 1')().next();", SandboxErrorKind.ScriptError)]
    [InlineData("return import('fs');", SandboxErrorKind.ScriptError)]
    [InlineData("undeclared = 5; return undeclared;", SandboxErrorKind.ScriptError)]
    [InlineData("return (() => this)().x;", SandboxErrorKind.ScriptError)]
    [InlineData("throw new Error('boom');", SandboxErrorKind.ScriptError)]
    [InlineData("return ;;; }}} (", SandboxErrorKind.ScriptError)]
    [InlineData("return undefined;", SandboxErrorKind.BadOutput)]
    [InlineData("return () => 1;", SandboxErrorKind.BadOutput)]
    [InlineData("return Promise.resolve(1);", SandboxErrorKind.BadOutput)]
    [InlineData("const o = {}; o.self = o; return o;", SandboxErrorKind.BadOutput)]
    [InlineData("return 10n;", SandboxErrorKind.BadOutput)]
    [InlineData("return 'y'.repeat(5000);", SandboxErrorKind.BadOutput)]
    public async Task RunTool_HostileCode_StoppedWithTypedErrorAndTheNextCallWorks(string body, SandboxErrorKind expected)
    {
        var result = await _sandbox.RunToolAsync($"function evil(args) {{ {body} }}", "evil", "{}");

        Assert.False(result.Succeeded);
        Assert.True(expected == result.Error, $"expected {expected}, got {result}");
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        var next = await _sandbox.RunToolAsync(Healthy, "add", """{"a":1,"b":2}""");
        Assert.Equal("3", next.Json);
    }

    [Fact]
    public async Task RunTool_ReplacesTheOutputFunction_BadOutput()
    {
        var result = await _sandbox.RunToolAsync("globalThis.__craftOutput = () => 'forged'; function f() { return 1; }", "f", "{}");

        Assert.Equal(SandboxErrorKind.BadOutput, result.Error);
    }

    [Fact]
    public async Task RunProgram_AsyncInfiniteLoop_IsStoppedAndTheNextCallWorks()
    {
        var result = await _sandbox.RunProgramAsync("async function spin() { while (true) {} } function solve() { spin(); return 1; }");

        Assert.Equal(SandboxErrorKind.Statements, result.Error);
        Assert.Equal("3", (await _sandbox.RunToolAsync(Healthy, "add", """{"a":1,"b":2}""")).Json);
    }

    [Fact]
    public async Task RunTool_LongRunningWithinStatementBudget_TimesOut()
    {
        using var sandbox = new JsSandbox(new SandboxOptions { Timeout = TimeSpan.FromMilliseconds(200), MaxStatements = int.MaxValue });

        var result = await sandbox.RunToolAsync("function spin() { let x = 0; while (true) { x++; } }", "spin", "{}");

        Assert.Equal(SandboxErrorKind.Timeout, result.Error);
    }

    [Fact]
    public async Task RunTool_StuckInsideOneBuiltInCall_WatchdogReturnsAndDisposingLaterIsHarmless()
    {
        // The regular expression may run for 3 s, far past the run's 200 ms: the engine cannot stop inside it.
        var sandbox = new JsSandbox(new SandboxOptions { Timeout = TimeSpan.FromMilliseconds(200), RegexTimeout = TimeSpan.FromSeconds(3) });

        var result = await sandbox.RunToolAsync("function stuck() { return /(a+)+$/.test('a'.repeat(40) + 'b'); }", "stuck", "{}");
        sandbox.Dispose();

        Assert.Equal(SandboxErrorKind.Timeout, result.Error);
        Assert.Contains("did not stop", result.Message, StringComparison.Ordinal);
        Assert.Equal("3", (await _sandbox.RunToolAsync(Healthy, "add", """{"a":1,"b":2}""")).Json);
    }

    [Fact]
    public async Task RunTool_CallerCancels_StopsTheRun()
    {
        using var sandbox = new JsSandbox(new SandboxOptions { Timeout = TimeSpan.FromSeconds(30), MaxStatements = int.MaxValue });
        using var cancel = new CancellationTokenSource();
        // The caller gives up once the spinning run is in its worker, not after some time has passed.
        sandbox.RunHandedToWorker += worker => { _ = cancel.CancelAsync(); };

        var run = sandbox.RunToolAsync("function spin() { while (true) {} }", "spin", "{}", cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal("3", (await sandbox.RunToolAsync(Healthy, "add", """{"a":1,"b":2}""")).Json);
    }

    [Fact]
    public async Task RunTool_GlobalObject_OffersOnlyTheLanguage()
    {
        var result = await _sandbox.RunToolAsync("function globals() { return Object.getOwnPropertyNames(globalThis); }", "globals", "{}");

        var names = result.Value!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet();
        Assert.Contains("JSON", names);
        Assert.Contains("Math", names);
        string[] hostLike = ["System", "importNamespace", "clrHelper", "require", "fetch", "XMLHttpRequest", "setTimeout", "setInterval",
            "process", "console", "WeakRef", "FinalizationRegistry", "SharedArrayBuffer", "Atomics", "ShadowRealm", "module", "exports"];
        Assert.Empty(names.Intersect(hostLike));
    }

    [Fact]
    public async Task RunTool_ToolPollutesGlobals_NextRunStartsClean()
    {
        await _sandbox.RunToolAsync("function pollute() { Array.prototype.includes = () => true; globalThis.leak = 1; return 1; }", "pollute", "{}");

        var result = await _sandbox.RunToolAsync("function probe() { return [typeof globalThis.leak, [1].includes(2)]; }", "probe", "{}");

        Assert.Equal("""["undefined",false]""", result.Json);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    [InlineData("\"text\"")]
    public async Task RunTool_ArgumentsNotAJsonObject_BadInput(string arguments)
    {
        var result = await _sandbox.RunToolAsync(Healthy, "add", arguments);

        Assert.Equal(SandboxErrorKind.BadInput, result.Error);
    }

    [Fact]
    public async Task RunTool_OversizedArgumentsOrCode_BadInput()
    {
        var bigArguments = await _sandbox.RunToolAsync(Healthy, "add", $$"""{"a":"{{new string('x', 2_000)}}"}""");
        var bigCode = await _sandbox.RunToolAsync(Healthy + "//" + new string('x', 300_000), "add", "{}");
        var badName = await _sandbox.RunToolAsync(Healthy, "add(); while(true){}; add", "{}");

        Assert.Equal(SandboxErrorKind.BadInput, bigArguments.Error);
        Assert.Equal(SandboxErrorKind.BadInput, bigCode.Error);
        Assert.Equal(SandboxErrorKind.BadInput, badName.Error);
    }

    [Fact]
    public async Task RunTool_FunctionMissing_ScriptErrorNamesIt()
    {
        var result = await _sandbox.RunToolAsync("const x = 1;", "count_words", "{}");

        Assert.Equal(SandboxErrorKind.ScriptError, result.Error);
        Assert.Contains("count_words", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTool_ManyHostileRunsAtOnce_AllStoppedAndHostHealthy()
    {
        var runs = Enumerable.Range(0, 8).Select(i => _sandbox.RunToolAsync(
            i % 2 == 0 ? "function f() { while (true) {} }" : "function f() { let s = 'x'; while (true) { s += s; } }", "f", "{}"));

        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.False(r.Succeeded));
        Assert.Equal("3", (await _sandbox.RunToolAsync(Healthy, "add", """{"a":1,"b":2}""")).Json);
    }
}
