using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Routing.Aptitude;
using Gateway.TestUtilities;

namespace Gateway.UnitTests.Routing.Aptitude;

public sealed class AptitudeSuiteTests
{
    private static readonly IReadOnlyList<AptitudeTask> Suite = AptitudeSuite.Create(seed: 7, itemsPerTask: 20);

    private static IEnumerable<AptitudeItem> AllItems => Suite.SelectMany(t => t.Items);

    [Fact]
    public void Create_Default_HasFiftyNineFamiliesOfTwentyItems()
    {
        Assert.Equal(59, Suite.Count);
        Assert.Equal(Suite.Count, Suite.Select(t => t.Name).Distinct().Count());
        Assert.All(Suite, t => Assert.Equal(20, t.Items.Count));
        Assert.Equal(1180, AllItems.Select(i => i.Id).Distinct().Count());
        Assert.True(Suite.Select(t => t.Category).Distinct().Count() >= 9);
    }

    [Fact]
    public void Create_SameSeed_GivesSameItems()
    {
        var again = AptitudeSuite.Create(seed: 7, itemsPerTask: 20).SelectMany(t => t.Items);

        Assert.Equal(AllItems, again);
    }

    [Fact]
    public void Create_OtherSeed_GivesOtherItems()
    {
        var other = AptitudeSuite.Create(seed: 8, itemsPerTask: 20).SelectMany(t => t.Items).Select(i => i.Prompt).ToHashSet();

        Assert.True(AllItems.Count(i => other.Contains(i.Prompt)) < 100);
    }

    [Fact]
    public void Create_FewerItems_IsAPrefixOfTheLargerSuite()
    {
        var small = AptitudeSuite.Create(seed: 7, itemsPerTask: 4);

        Assert.All(small, t => Assert.Equal(Suite.Single(s => s.Name == t.Name).Items.Take(4), t.Items));
    }

    [Fact]
    public void Create_ItemsPerTaskZero_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AptitudeSuite.Create(1, 0));
    }

    [Fact]
    public void Create_EveryTask_HasDistinctPromptsThatAskForTheAnswerLine()
    {
        Assert.All(Suite, t => Assert.Equal(t.Items.Count, t.Items.Select(i => i.Prompt).Distinct().Count()));
        Assert.All(AllItems, i => Assert.Contains("\"Answer: ", i.Prompt, StringComparison.Ordinal));
        Assert.All(AllItems, i => Assert.False(string.IsNullOrWhiteSpace(i.Expected), i.Id));
    }

    [Fact]
    public void Score_ExpectedAnswerInEveryReplyShape_ScoresOne()
    {
        Assert.All(AllItems, item =>
        {
            foreach (var reply in ScorerCases.RightReplies(item.Expected))
            {
                Assert.True(item.Score(reply) == 1, $"{item.Id} ({item.Format}) expected {item.Expected} scored 0 on: {reply}");
            }
        });
    }

    [Fact]
    public void Score_WrongAnswer_ScoresZero()
    {
        Assert.All(AllItems, item =>
        {
            foreach (var wrong in ScorerCases.WrongAnswers(item))
            {
                Assert.True(item.Score($"Answer: {wrong}") == 0, $"{item.Id} ({item.Format}) expected {item.Expected} scored 1 on: {wrong}");
            }
        });
    }

    [Theory]
    [InlineData("add", @"What is (\d+) \+ (\d+)\?", "+")]
    [InlineData("subtract", @"What is (\d+) - (\d+)\?", "-")]
    [InlineData("multiply", @"What is (\d+) × (\d+)\?", "*")]
    public void Create_ArithmeticItems_ExpectTheTrueResult(string task, string pattern, string op)
    {
        foreach (var item in Suite.Single(t => t.Name == task).Items)
        {
            var match = Regex.Match(item.Prompt, pattern);
            var (a, b) = (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
            var expected = op switch { "+" => a + b, "-" => a - b, _ => a * b };
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), item.Expected);
        }
    }

    [Fact]
    public void Create_DateItems_ExpectTheCalendarsAnswer()
    {
        foreach (var item in Suite.Single(t => t.Name == "day_of_week").Items)
        {
            var date = DateTime.ParseExact(Regex.Match(item.Prompt, @"is (\d{1,2} \w+ \d{4})\?").Groups[1].Value, "d MMMM yyyy", CultureInfo.InvariantCulture);
            Assert.Equal(date.DayOfWeek.ToString(), item.Expected);
        }

        foreach (var item in Suite.Single(t => t.Name == "leap_year").Items)
        {
            var year = int.Parse(Regex.Match(item.Prompt, @"Is (\d+) a leap").Groups[1].Value, CultureInfo.InvariantCulture);
            var leap = year % 400 == 0 || (year % 4 == 0 && year % 100 != 0);
            Assert.Equal(leap ? "yes" : "no", item.Expected);
        }
    }

    [Fact]
    public void Docs_SuitePage_DescribesEveryFamily()
    {
        var docs = Repository.Read("docs/aptitude-suite.md");

        Assert.All(AptitudeSuite.Families, f => Assert.Contains($"| `{f.Name}` | {f.Category} |", docs, StringComparison.Ordinal));
    }
}
