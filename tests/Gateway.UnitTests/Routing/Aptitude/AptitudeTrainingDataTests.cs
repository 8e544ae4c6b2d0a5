using Gateway.Routing.Aptitude;
using Gateway.Routing.Data;

namespace Gateway.UnitTests.Routing.Aptitude;

public sealed class AptitudeTrainingDataTests : IDisposable
{
    private static readonly AptitudeItem[] Items = AptitudeSuite.Create(seed: 5, itemsPerTask: 10).SelectMany(t => t.Items).ToArray();
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-aptitude-data-").FullName;

    [Fact]
    public void FromRuns_TwoModels_OneRecordPerItemWithBothScores()
    {
        var dataset = AptitudeTrainingData.FromRuns("pool", [("math", Run("math", "arithmetic")), ("words", Run("words", "strings"))]);

        Assert.Equal(["math", "words"], dataset.ModelNames);
        Assert.Equal(Items.Length, dataset.Outcomes.Count);
        var add = dataset.Outcomes.First(o => o.Task == "add");
        Assert.Equal(1, add.Scores["math"]);
        Assert.Equal(0, add.Scores["words"]);
        Assert.Equal(Items.Single(i => i.Id == add.Id).Prompt, add.Prompt);
    }

    [Fact]
    public void FromRuns_Split_IsAboutAFifthTestAndStableById()
    {
        var first = AptitudeTrainingData.FromRuns("a", [("math", Run("math", "arithmetic"))]);
        var second = AptitudeTrainingData.FromRuns("b", [("words", Run("words", "strings"))]);

        var testShare = first.Split("test").Count / (double)first.Outcomes.Count;
        Assert.InRange(testShare, 0.12, 0.28);
        Assert.Equal(first.Split("test").Select(o => o.Id), second.Split("test").Select(o => o.Id));
    }

    [Fact]
    public void FromRuns_SameIdDifferentPrompt_Throws()
    {
        var changed = Run("words", "strings").Select(o => o with { Prompt = o.Prompt + " (v2)" }).ToArray();

        Assert.Throws<InvalidDataException>(() => AptitudeTrainingData.FromRuns("pool", [("math", Run("math", "arithmetic")), ("words", changed)]));
    }

    [Fact]
    public void Load_FolderOfOutcomeFiles_RoundTripsThroughTheRoutingDataFormat()
    {
        AptitudeOutcomes.Write(Path.Combine(_dir, "runs", "a.jsonl"), Run("math", "arithmetic"));
        AptitudeOutcomes.Write(Path.Combine(_dir, "runs", "b.jsonl"), Run("words", "strings"));

        var dataset = AptitudeTrainingData.Load(Path.Combine(_dir, "runs"));
        AptitudeTrainingData.Save(dataset, Path.Combine(_dir, "data"));
        var reloaded = RoutingDataset.Load(Path.Combine(_dir, "data"));

        Assert.Equal(["math", "words"], reloaded.ModelNames);
        Assert.Equal(dataset.Outcomes.Select(o => (o.Id, o.Split, o.Scores["words"])), reloaded.Outcomes.Select(o => (o.Id, o.Split, o.Scores["words"])));
    }

    [Fact]
    public void Load_EmptyFolder_SaysWhatIsMissing()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => AptitudeTrainingData.Load(_dir));

        Assert.Contains("aptitude run --outcomes", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A run in which the model answers exactly the items of one category right.</summary>
    internal static AptitudeOutcome[] Run(string model, string category)
    {
        var tasks = AptitudeSuite.Families.Where(f => f.Category == category).Select(f => f.Name).ToHashSet();
        return Items.Select(i => AptitudeOutcome.Scored(model, i, tasks.Contains(i.Task) ? $"Answer: {i.Expected}" : "Answer: ?")).ToArray();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
