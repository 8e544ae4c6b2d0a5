using Gateway.Cli.Routing;

namespace Gateway.UnitTests.Cli.Routing;

public sealed class AptitudeCommandsTests
{
    [Fact]
    public void Create_AptitudeCommand_HasRunAndList()
    {
        var aptitude = AptitudeCommands.Create();

        Assert.Equal("aptitude", aptitude.Name);
        Assert.Equal(["run", "list"], aptitude.Subcommands.Select(c => c.Name));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run --model m --items 0")]
    [InlineData("run --model m --concurrency 0")]
    [InlineData("run --model m --gateway not-a-url")]
    [InlineData("run --model m --tasks add,no_such_task")]
    public void Parse_InvalidRun_ReportsError(string line)
    {
        Assert.NotEmpty(AptitudeCommands.Create().Parse(line).Errors);
    }

    [Fact]
    public void Parse_RunWithDefaults_IsValid()
    {
        Assert.Empty(AptitudeCommands.Create().Parse("run --model m").Errors);
    }

    [Theory]
    [InlineData("train --out o --data d --aptitude-results r")]
    [InlineData("train --out o")]
    public void Parse_TrainWithoutExactlyOneSource_ReportsError(string line)
    {
        Assert.NotEmpty(RouterCommands.Create().Parse(line).Errors);
    }

    [Fact]
    public void Invoke_ListOneTask_ShowsItsItems()
    {
        Assert.Equal(0, AptitudeCommands.Create().Parse("list --task add --items 2").Invoke());
        Assert.Equal(1, AptitudeCommands.Create().Parse("list --task no_such_task").Invoke());
        Assert.Equal(0, AptitudeCommands.Create().Parse("list").Invoke());
    }
}
