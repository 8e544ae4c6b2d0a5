using System.ComponentModel.DataAnnotations;
using Gateway.Inference;
using Gateway.Inference.Pool;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Inference.Pool;

public sealed class LocalModelOptionsTests
{
    [Fact]
    public async Task AddModelPool_CatalogWithLocalAndRemoteModels_PoolServesOnlyTheLocalOnes()
    {
        await using var services = Build(new()
        {
            ["Gateway:Models:tiny:Provider"] = "local",
            ["Gateway:Models:tiny:Path"] = "/models/tiny.gguf",
            ["Gateway:Models:tiny:ContextSize"] = "1024",
            ["Gateway:Models:tiny:ParallelSequences"] = "8",
            ["Gateway:Models:tiny:KeepAlive"] = "00:05:00",
            ["Gateway:Models:tiny:MemoryBytes"] = "1000",
            ["Gateway:Models:tiny:Eager"] = "false",
            ["Gateway:Models:gpt:Provider"] = "remote",
            ["Gateway:Pool:MemoryBudgetBytes"] = "5000",
            ["Gateway:Pool:RestartBackoff"] = "00:00:02",
        });

        var pool = services.GetRequiredService<ModelPool>();
        var options = services.GetRequiredService<IOptions<ModelPoolOptions>>().Value;
        var catalog = services.GetRequiredService<IOptions<LocalModelCatalog>>().Value;

        var model = Assert.Single(pool.List());
        Assert.Equal("tiny", model.Name);
        Assert.Equal(LocalModelState.Unloaded, model.State);
        Assert.Equal(1000, model.MemoryBytes);
        Assert.Equal(5000, options.MemoryBudgetBytes);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RestartBackoff);
        Assert.Equal(TimeSpan.FromMinutes(5), catalog.Models["tiny"].KeepAlive);
        Assert.Equal(8, catalog.Models["tiny"].ParallelSequences);
    }

    [Theory]
    [InlineData("Gateway:Pool:MemoryBudgetBytes", "-1")]
    [InlineData("Gateway:Pool:StartTimeout", "00:00:00")]
    [InlineData("Gateway:Pool:MemoryFactor", "0.5")]
    public async Task AddModelPool_InvalidPoolOptions_FailValidation(string key, string value)
    {
        await using var services = Build(new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ModelPoolOptions>>().Value);
    }

    [Theory]
    [InlineData("", 4, 2048)]
    [InlineData("/m.gguf", 0, 2048)]
    [InlineData("/m.gguf", 4, 10)]
    public void Validate_OutOfRangeModel_Fails(string path, int parallel, int context)
    {
        var options = new LocalModelOptions { Path = path, ParallelSequences = parallel, ContextSize = context };

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    [Theory]
    [InlineData("q8_1", null, "KvCacheType must be")]
    [InlineData(null, "yes", "FlashAttention must be")]
    [InlineData("q4_0", "off", "needs flash attention")]
    public void Validate_BadKvCacheOptions_FailsWithTheReason(string? type, string? flash, string reason)
    {
        var options = new LocalModelOptions { Path = "/m.gguf", KvCacheType = type, FlashAttention = flash };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("q8_0", null)]
    [InlineData("q4_0", "on")]
    [InlineData("bf16", "off")]
    [InlineData("f32", "auto")]
    public void Validate_KvCacheOptions_Pass(string type, string? flash)
    {
        var options = new LocalModelOptions { Path = "/m.gguf", KvCacheType = type, FlashAttention = flash };

        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    [Fact]
    public async Task AddOrUpdate_InvalidModel_ThrowsAndKeepsThePreviousDefinition()
    {
        await using var services = Build(new() { ["Gateway:Models:tiny:Path"] = "/a.gguf", ["Gateway:Models:tiny:MemoryBytes"] = "7" });
        var pool = services.GetRequiredService<ModelPool>();

        Assert.Throws<ArgumentException>(() => pool.AddOrUpdate("tiny", new LocalModelOptions { Path = "" }));

        Assert.Equal(7, pool.Get("tiny").MemoryBytes);
    }

    [Fact]
    public async Task AddModelPool_NoLocalModelsAndTinyModelWhenEmpty_ServesTheTinyModel()
    {
        var dir = Directory.CreateTempSubdirectory("tiny-default-").FullName;
        try
        {
            await using var services = Build(new() { ["Gateway:Pool:TinyModelWhenEmpty"] = "tiny", ["Gateway:Pool:TinyModelDirectory"] = dir });

            var model = Assert.Single(services.GetRequiredService<ModelPool>().List());

            Assert.Equal("tiny", model.Name);
            Assert.True(File.Exists(Path.Combine(dir, "tiny.gguf")));
            Assert.True(model.MemoryBytes > 0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddModelPool(configuration);
        return services.BuildServiceProvider();
    }
}
