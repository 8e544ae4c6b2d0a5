using Gateway.Craft.Sandbox;

namespace Gateway.IntegrationTests.Craft;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SandboxMemoryCollection
{
    // Alone, so the process's allocation counter measures the sandbox and nothing else.
    public const string Name = "Sandbox memory";
}

/// <summary>
/// One built-in call that builds far more than the memory limit from an array of large strings: the run fails
/// with <see cref="SandboxErrorKind.Memory"/> and the gateway's process allocates almost nothing for it.
/// </summary>
[Collection(SandboxMemoryCollection.Name)]
public sealed class SandboxMemoryTests(SandboxMemoryTests.SharedSandbox shared) : IClassFixture<SandboxMemoryTests.SharedSandbox>
{
    // 200 references to one string of 1,000,000 spaces: 4 MB of script memory (2 MB string, array of references),
    // 400 MB (200 x 2 MB) or more once one call copies them into one string or 200 new ones.
    private const string LargeStrings = "const s = ' '.repeat(1_000_000); const a = new Array(200).fill(s);";

    // Far below the hundreds of megabytes any of these calls builds; what the gateway itself allocates per run is kilobytes.
    private const long HostAllocationBound = 64L * 1024 * 1024;

    public sealed class SharedSandbox : IDisposable
    {
        // The default memory limits; time generous, so a busy machine cannot turn a memory failure into a timeout.
        public JsSandbox Sandbox { get; } = new(new SandboxOptions { Timeout = TimeSpan.FromSeconds(60) });

        public void Dispose() => Sandbox.Dispose();
    }

    public static TheoryData<string, string> BuiltIns => new()
    {
        { "toLocaleString", "return a.toLocaleString().length;" },
        { "JSON.stringify", "return JSON.stringify(a).length;" },
        { "JSON.stringify with indent", "return JSON.stringify(a, null, 8).length;" },
        { "JSON.stringify per element", "return a.map(JSON.stringify).length;" },
        { "spread into concat", "return ''.concat(...a).length;" },
        { "encodeURIComponent per element", "return a.map(encodeURIComponent).length;" },
        { "escape per element", "return a.map(escape).length;" },
        { "Array.from with encodeURI", "return Array.from(a, encodeURI).length;" },
        { "String.raw", "return String.raw({ raw: a }, 1).length;" },
        { "template literal", "return `" + string.Concat(Enumerable.Repeat("${s}", 200)) + "`.length;" },
        { "join", "return a.join('').length;" },
        { "padEnd and repeat chain", "return a.map(t => t.repeat(3).padEnd(4_000_000, t)).length;" },
    };

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public async Task RunProgram_OneBuiltInOnLargeStrings_MemoryFailureWithoutHostAllocation(string builtIn, string body)
    {
        // Warm the path (a worker started, code compiled) so the measurement sees the run alone.
        Assert.Equal("1", (await shared.Sandbox.RunProgramAsync("function solve() { return 1; }")).Json);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await shared.Sandbox.RunProgramAsync($"function solve() {{ {LargeStrings} {body} }}");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(result.Error == SandboxErrorKind.Memory, $"{builtIn}: expected Memory, got {result}");
        Assert.True(allocated < HostAllocationBound, $"{builtIn}: the gateway's process allocated {allocated / (1024 * 1024)} MiB for the run");
        Assert.Equal("3", (await shared.Sandbox.RunToolAsync("function add({ a, b }) { return a + b; }", "add", """{"a":1,"b":2}""")).Json);
    }
}
