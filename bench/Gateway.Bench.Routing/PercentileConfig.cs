using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Gateway.Bench.Routing;

/// <summary>
/// Adds P95 and the maximum (P100) to the summary, since the latency targets are tail latencies. Runs in process:
/// no second build of the benchmark project on a small machine.
/// </summary>
public sealed class PercentileConfig : ManualConfig
{
    public PercentileConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(20).WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(StatisticColumn.P95, StatisticColumn.P100);
    }
}
