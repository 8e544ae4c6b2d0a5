using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Gateway.Bench.Routing;

/// <summary>Adds P95 and the maximum (P100) to the summary; the latency targets are tail latencies.</summary>
public sealed class PercentileConfig : ManualConfig
{
    public PercentileConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(20));
        AddColumn(StatisticColumn.P95, StatisticColumn.P100);
    }
}
