namespace Gateway.Bench.Soak;

/// <summary>What one soak run does: the gateway it starts, how long each phase lasts, how many loops drive it.</summary>
internal sealed record SoakSettings(
    FileInfo GatewayDll, TimeSpan WarmUp, TimeSpan Baseline, TimeSpan Attack, int GoodWorkers, int AttackWorkers, DirectoryInfo Output, int Seed);
