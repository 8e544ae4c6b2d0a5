using Gateway.Routing.Data;

namespace Gateway.UnitTests.Routing.Data;

public sealed class RoutingDatasetReaderTests : IDisposable
{
    private const string Models = """{"models": [{"name": "a", "price_per_mtok": 0.2}, {"name": "b"}]}""";
    private const string Good = """{"id": "1", "split": "train", "task": "t", "prompt": "p", "scores": {"a": 1, "b": 0}, "costs": {"a": 0.001, "b": 0.002}}""";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-data-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Load_WellFormedData_ReadsEveryLine()
    {
        var dataset = RoutingDataset.Load(Write(Models, Good, "", Good.Replace("\"1\"", "\"2\"", StringComparison.Ordinal)));

        Assert.Equal(2, dataset.Outcomes.Count);
        Assert.Equal(0.002, dataset.Outcomes[0].Costs!["b"]);
        Assert.Equal(0.2, dataset.Models[0].PricePerMTok);
    }

    [Theory]
    [InlineData("""{"id": "2", "split": "train", """, null, "not valid JSON")]
    [InlineData("""{"id": "2", "split": "train", "task": "t", "prompt": "p", "scores": {"a": 1, "c": 0}}""", "scores.c", "'c' is not in models.json")]
    [InlineData("""{"id": "2", "split": "train", "task": "t", "prompt": "p", "scores": {"a": 1.5}}""", "scores.a", "in [0, 1]")]
    [InlineData("""{"id": "2", "split": "train", "task": "t", "prompt": "p", "scores": {"a": 1}, "costs": {"a": -0.5}}""", "costs.a", "non-negative")]
    [InlineData("""{"id": "2", "split": "train", "task": "t", "prompt": "p", "scores": {"a": 1, "b": 0}, "costs": {"a": 0.5}}""", "costs.b", "is missing")]
    [InlineData("""{"id": "2", "split": "train", "task": "t", "prompt": "p", "scores": {"a": 1}, "costs": {"a": "cheap"}}""", "costs.a", "non-negative")]
    [InlineData("""{"id": "2", "split": "train", "task": "t", "scores": {"a": 1}}""", "prompt", "missing")]
    [InlineData("""{"id": "2", "split": "validation", "task": "t", "prompt": "p", "scores": {"a": 1}}""", "split", "not one of")]
    public void Load_BadLine_NamesFileLineAndField(string badLine, string? field, string problem)
    {
        var dir = Write(Models, Good, badLine);

        var ex = Assert.Throws<RoutingDataException>(() => RoutingDataset.Load(dir));

        Assert.Equal(Path.Combine(dir, "outcomes.jsonl"), ex.File);
        Assert.Equal(2, ex.Line);
        Assert.Equal(field, ex.Field);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{ex.File}:2: ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"models": [{"name": "a"}, {"name": "a"}]}""", "models[1].name")]
    [InlineData("""{"models": [{"name": "a", "price_per_mtok": -1}]}""", "models[0].price_per_mtok")]
    [InlineData("""{"models": []}""", "models")]
    [InlineData("""{"model": []}""", "models")]
    public void Load_BadModels_NamesTheField(string models, string field)
    {
        var dir = Write(models, Good);

        var ex = Assert.Throws<RoutingDataException>(() => RoutingDataset.Load(dir));

        Assert.Equal(Path.Combine(dir, "models.json"), ex.File);
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "models.json"), Models);

        var ex = Assert.Throws<RoutingDataException>(() => RoutingDataset.Load(_dir));

        Assert.Equal(Path.Combine(_dir, "outcomes.jsonl"), ex.File);
    }

    [Fact]
    public void RequireSplit_SplitWithNoLines_NamesFileAndSplit()
    {
        var dataset = RoutingDataset.Load(Write(Models, Good));

        var ex = Assert.Throws<RoutingDataException>(() => dataset.RequireSplit("test"));

        Assert.Equal("split", ex.Field);
        Assert.Contains("no line has split 'test'", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith(Path.Combine(_dir, "outcomes.jsonl"), ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private string Write(string models, params string[] lines)
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "models.json"), models);
        File.WriteAllLines(Path.Combine(_dir, "outcomes.jsonl"), lines);
        return _dir;
    }
}
