using System.Text.Json;
using Gateway.Routing;
using Gateway.Routing.Evaluation;

namespace Gateway.UnitTests.Routing;

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
    public void Parse_MissingRequiredOption_ReportsError(string line)
    {
        var result = RouterCommands.Create().Parse(line);

        Assert.NotEmpty(result.Errors);
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

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
