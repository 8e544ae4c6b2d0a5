using System.Text.Json;
using Gateway.Cli.Routing;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Evaluation;
using Gateway.Routing.Prediction;
using Gateway.UnitTests.Routing;

namespace Gateway.UnitTests.Cli.Routing;

public sealed class RouterCommandsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-router-cli-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Create_RouterCommand_HasEveryVerb()
    {
        var router = RouterCommands.Create();

        Assert.Equal("router", router.Name);
        Assert.Equal(["train", "eval", "onboard", "loo"], router.Subcommands.Select(c => c.Name));
    }

    [Theory]
    [InlineData("train --out o")]
    [InlineData("eval --data d")]
    [InlineData("onboard --model m --router r")]
    [InlineData("train --data d --out o --average-decay 1")]
    [InlineData("train --data d --out o --model-dropout -0.1")]
    [InlineData("loo --data d --work w --model-dropout 1")]
    [InlineData("loo --data d --work w --seeds 0")]
    public void Parse_MissingRequiredOptionOrValueOutOfRange_ReportsError(string line)
    {
        var result = RouterCommands.Create().Parse(line);

        Assert.NotEmpty(result.Errors);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Invoke_Onboard_ShrinksTheMeasuredVectorTowardsTheOtherModelsUnlessTurnedOff(bool shrink)
    {
        var data = SyntheticRoutingData.WriteTo(Path.Combine(_dir, "data"), SyntheticRoutingData.Create(20));
        var model = Path.Combine(_dir, "model");
        Assert.Equal(0, RouterCommands.Create().Parse(["train", "--data", data, "--out", model, "--encoder", "hashing", "--epochs", "2"]).Invoke());
        // Four models besides the new one, so there is a spread to shrink towards.
        var trained = RouterArtifactStore.Load(model).WithCapability("extra", [0.3f, 0.6f]);
        RouterArtifactStore.Save(model, trained);
        var aptitude = Path.Combine(_dir, "new.json");
        File.WriteAllText(aptitude, """{"model": "new", "items_per_task": 20, "tasks": {"math": 0.95, "poem": 0.05}}""");

        string[] line = ["onboard", "--model", "new", "--aptitude", aptitude, "--router", model, .. shrink ? Array.Empty<string>() : ["--shrink", "false"]];
        Assert.Equal(0, RouterCommands.Create().Parse(line).Invoke());

        var onboarded = RouterArtifactStore.Load(model);
        float[] measured = [0.95f, 0.05f];
        var expected = shrink ? CapabilityShrinkage.Shrink(measured, [.. trained.Capabilities.Values], 20) : measured;
        Assert.Equal(expected, onboarded.Capabilities["new"]);
        Assert.Equal(shrink, onboarded.Capabilities["new"][0] < 0.95f);
    }

    [Fact]
    public void Invoke_TrainThenEvalWithChoicesOut_WritesOneLinePerPromptAndWeight()
    {
        var data = SyntheticRoutingData.WriteTo(Path.Combine(_dir, "data"), SyntheticRoutingData.Create(20));
        var model = Path.Combine(_dir, "model");
        var choices = Path.Combine(_dir, "choices.jsonl");

        Assert.Equal(0, RouterCommands.Create().Parse(["train", "--data", data, "--out", model, "--encoder", "hashing", "--epochs", "3"]).Invoke());
        Assert.Equal(0, RouterCommands.Create().Parse(["eval", "--data", data, "--model", model, "--choices-out", choices]).Invoke());

        var lines = File.ReadAllLines(choices);
        Assert.Equal(8 * RouterEvaluator.DefaultLambdas.Length, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("m0", first.RootElement.GetProperty("id").GetString());
        Assert.Equal(0, first.RootElement.GetProperty("lambda").GetDouble());
        Assert.Contains(first.RootElement.GetProperty("model").GetString(), SyntheticRoutingData.Models.Select(m => m.Name));
        Assert.True(File.Exists(Path.Combine(model, "aptitude", "generalist.json")));
    }

    [Theory]
    [InlineData("train", """{"id": "bad", "split": "train", "task": "math", "prompt": "p", "scores": {"math-model": 1, "unknown-model": 0}}""", "field 'scores.unknown-model'")]
    [InlineData("train", """{"id": "bad", "split": "train", "task": "math", "prompt": "p", "scores": {"math-model": 1}, "costs": {"math-model": -1}}""", "field 'costs.math-model'")]
    [InlineData("eval", """{"id": "bad", "split": "test", "task": "math", "prompt": "p", "scores": {"math-model": 1}, "costs": {}}""", "field 'costs.math-model'")]
    [InlineData("eval", "{not json", "not valid JSON")]
    public void Invoke_BadDataLine_ExitsNonZeroNamingFileLineAndFieldWithoutStackTrace(string verb, string badLine, string expected)
    {
        var data = SyntheticRoutingData.WriteTo(Path.Combine(_dir, "data"), SyntheticRoutingData.Create(5));
        var model = Path.Combine(_dir, "model");
        if (verb == "eval")
        {
            Assert.Equal(0, RouterCommands.Create().Parse(["train", "--data", data, "--out", model, "--encoder", "hashing", "--epochs", "1"]).Invoke());
        }

        var outcomes = Path.Combine(data, "outcomes.jsonl");
        File.AppendAllLines(outcomes, [badLine]);
        var line = File.ReadAllLines(outcomes).Length;

        var (exit, error) = InvokeCapturingErrors(verb == "eval"
            ? ["eval", "--data", data, "--model", model, "--knn", "false"]
            : ["train", "--data", data, "--out", model, "--encoder", "hashing", "--epochs", "1"]);

        Assert.Equal(1, exit);
        Assert.Contains($"{outcomes}:{line}: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train", "train")]
    [InlineData("eval", "ood")]
    public void Invoke_SplitWithNoLines_ExitsNonZeroNamingTheSplit(string verb, string split)
    {
        var dataset = SyntheticRoutingData.Create(5);
        var data = SyntheticRoutingData.WriteTo(Path.Combine(_dir, "data"), dataset);
        var model = Path.Combine(_dir, "model");
        Assert.Equal(0, RouterCommands.Create().Parse(["train", "--data", data, "--out", model, "--encoder", "hashing", "--epochs", "1"]).Invoke());
        if (verb == "train")
        {
            SyntheticRoutingData.WriteTo(data, dataset with { Outcomes = [.. dataset.Outcomes.Where(o => o.Split != "train")] });
        }

        var (exit, error) = InvokeCapturingErrors(verb == "eval"
            ? ["eval", "--data", data, "--model", model, "--split", split]
            : ["train", "--data", data, "--out", model, "--encoder", "hashing"]);

        Assert.Equal(1, exit);
        Assert.Contains($"no line has split '{split}'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_EvalWithKnn_ReportsTheBaselineNextToTheRouter()
    {
        var data = SyntheticRoutingData.WriteTo(Path.Combine(_dir, "data"), SyntheticRoutingData.Create(40));
        var model = Path.Combine(_dir, "model");
        Assert.Equal(0, RouterCommands.Create().Parse(["train", "--data", data, "--out", model, "--encoder", "hashing", "--epochs", "3"]).Invoke());

        var report = EvalCommand.Run(data, model, "test", knn: true);

        // Math and poem prompts share no words: their nearest train prompts are of their own task, whose
        // specialist is always right, so kNN routes every test prompt to a model that answers it.
        Assert.NotNull(report.Knn);
        Assert.Contains(report.Knn!.K, KnnBaseline.Candidates);
        Assert.Equal(1.0, report.Knn.AtZero.Quality, 9);
    }

    [Fact]
    public void Invoke_LeaveOneOutOverTwoSeeds_TrainsEachRunInItsOwnDirectoryWithSeedsThatDoNotOverlap()
    {
        var data = SyntheticRoutingData.WriteTo(Path.Combine(_dir, "data"), SyntheticRoutingData.Create(20));
        var work = Path.Combine(_dir, "loo");
        var left = SyntheticRoutingData.Models[0].Name;

        var exit = RouterCommands.Create().Parse(
            ["loo", "--data", data, "--work", work, "--models", left, "--encoder", "hashing", "--epochs", "2", "--ensemble", "2", "--seed", "5", "--seeds", "2"]).Invoke();

        Assert.Equal(0, exit);
        Assert.Equal([5, 7], LeaveOneOutCommand.RunSeeds(new TrainingOptions { Seed = 5, Ensemble = 2 }, 2));
        foreach (var seed in new[] { 5, 7 })
        {
            var run = Path.Combine(work, $"seed-{seed}");
            Assert.True(RouterArtifactStore.Load(Path.Combine(run, "full")).Capabilities.ContainsKey(left));
            // Trained without the model, then onboarded from its aptitude vector.
            var onboarded = RouterArtifactStore.Load(Path.Combine(run, "without-" + left));
            Assert.True(onboarded.Capabilities.ContainsKey(left));
        }

        Assert.NotEqual(
            File.ReadAllBytes(Path.Combine(work, "seed-5", "full", "predictor.bin")),
            File.ReadAllBytes(Path.Combine(work, "seed-7", "full", "predictor.bin")));
    }

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "--random-items" }, false)]
    public void Read_RandomItemsFlag_TurnsOffMatchedAptitudeItems(string[] args, bool matched)
    {
        var set = new TrainingOptionSet();
        var command = new System.CommandLine.Command("train");
        set.AddTo(command);

        var options = set.Read(command.Parse(args));

        Assert.Equal(matched, options.MatchedAptitudeItems);
    }

    [Theory]
    [InlineData(new string[0], "hashing:4096+shape", true)]
    [InlineData(new[] { "--encoder", "hashing" }, "hashing", false)]
    [InlineData(new[] { "--encoder", "minilm+shape" }, "minilm+shape", true)]
    [InlineData(new[] { "--contrast-head", "false" }, "hashing:4096+shape", false)]
    [InlineData(new[] { "--encoder", "hashing", "--contrast-head" }, "hashing", true)]
    public void Read_EncoderAndContrastHead_HeadFollowsShapeFeaturesUnlessSet(string[] args, string encoder, bool contrastHead)
    {
        var set = new TrainingOptionSet();
        var command = new System.CommandLine.Command("train");
        set.AddTo(command);
        var parse = command.Parse(args);

        var options = set.Read(parse);

        Assert.Empty(parse.Errors);
        Assert.Equal(encoder, parse.GetValue(set.Encoder));
        Assert.Equal(contrastHead, options.ContrastHead);
    }

    [Fact]
    public void Invoke_TrainWithNoOptions_WritesTheValidatedConfiguration()
    {
        var data = SyntheticRoutingData.WriteTo(Path.Combine(_dir, "data"), SyntheticRoutingData.Create(20));
        var model = Path.Combine(_dir, "model");

        Assert.Equal(0, RouterCommands.Create().Parse(["train", "--data", data, "--out", model]).Invoke());

        // Hashed n-grams (4,096) with the 30 shape features, a contrast head over those features, three predictors.
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "router.json")));
        var manifest = document.RootElement;
        Assert.Equal("hashing-ngrams-v1/4096+shape-v1", manifest.GetProperty("encoder").GetProperty("id").GetString());
        Assert.Equal(4096 + 30, manifest.GetProperty("encoder").GetProperty("dimension").GetInt32());
        Assert.Equal(30, manifest.GetProperty("predictor").GetProperty("contrastFeatures").GetInt32());
        Assert.Equal(3, manifest.GetProperty("predictor").GetProperty("ensemble").GetInt32());
    }

    private static (int Exit, string Error) InvokeCapturingErrors(string[] args)
    {
        var original = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            return (RouterCommands.Create().Parse(args).Invoke(), error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
