using System.ComponentModel.DataAnnotations;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Worker;

namespace Gateway.UnitTests.Craft;

/// <summary>The sandbox's options: ranges, the rule between the two memory limits, and the worker's error names.</summary>
public sealed class SandboxOptionsTests
{
    [Fact]
    public void Validate_Defaults_Valid()
    {
        Assert.Empty(Validate(new SandboxOptions()));
    }

    [Theory]
    [InlineData(0, 256_000_000, true)]
    [InlineData(65, 256_000_000, false)]
    [InlineData(2, 50_000_000, false)]
    public void Validate_WarmWorkersAndWorkerMemory_Ranges(int warmWorkers, long workerMemory, bool valid)
    {
        var errors = Validate(new SandboxOptions { WarmWorkers = warmWorkers, WorkerMemoryLimitBytes = workerMemory });

        Assert.Equal(valid, errors.Count == 0);
    }

    [Fact]
    public void Validate_WorkerHeapBelowTheEngineLimitPlusHeadroom_Invalid()
    {
        // 200 MB of script memory needs 200 + 64 = 264 MB of worker heap.
        var errors = Validate(new SandboxOptions { MemoryLimitBytes = 200_000_000, WorkerMemoryLimitBytes = 256_000_000 });

        var error = Assert.Single(errors);
        Assert.Contains(nameof(SandboxOptions.WorkerMemoryLimitBytes), error.MemberNames);
    }

    [Fact]
    public void WorkerErrors_EveryName_IsASandboxErrorKind()
    {
        Assert.All(WorkerErrors.All, name => Assert.True(Enum.IsDefined(Enum.Parse<SandboxErrorKind>(name))));
    }

    [Fact]
    public void WorkerLimits_FromOptions_CarryEveryEngineLimit()
    {
        var options = new SandboxOptions { Timeout = TimeSpan.FromSeconds(3), MemoryLimitBytes = 20_000_000, MaxStatements = 7_000, MaxStringLength = 9_000, MaxOutputChars = 500 };

        var limits = SandboxWorkerLauncher.Limits(options);

        Assert.Equal(
            (options.Timeout, options.MemoryLimitBytes, options.MaxStatements, options.MaxRecursionDepth, options.MaxArrayLength, options.MaxStringLength, options.RegexTimeout, options.MaxOutputChars, options.MaxJsonDepth),
            (limits.Timeout, limits.MemoryLimitBytes, limits.MaxStatements, limits.MaxRecursionDepth, limits.MaxArrayLength, limits.MaxStringLength, limits.RegexTimeout, limits.MaxOutputChars, limits.MaxJsonDepth));
    }

    [Fact]
    public void CreateStartInfo_Default_RunsTheWorkerBesideTheAssembliesWithACappedHeapAndNoGatewayEnvironment()
    {
        Environment.SetEnvironmentVariable("Gateway__Craft__Secret", "s3cret");
        try
        {
            var start = SandboxWorkerLauncher.CreateStartInfo(new SandboxOptions { WorkerMemoryLimitBytes = 100_000_000 });

            Assert.Equal(Path.Combine(AppContext.BaseDirectory, SandboxWorkerLauncher.WorkerFileName), start.ArgumentList.Single());
            Assert.Equal("5f5e100", start.Environment["DOTNET_GCHeapHardLimit"]); // 100,000,000 in hex
            Assert.False(start.Environment.ContainsKey("Gateway__Craft__Secret"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("Gateway__Craft__Secret", null);
        }
    }

    private static List<ValidationResult> Validate(SandboxOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
