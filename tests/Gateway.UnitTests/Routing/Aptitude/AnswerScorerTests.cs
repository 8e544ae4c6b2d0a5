using Gateway.Routing.Aptitude;

namespace Gateway.UnitTests.Routing.Aptitude;

public sealed class AnswerScorerTests
{
    [Theory]
    [InlineData("Answer: 42", "42")]
    [InlineData("12 + 30 = 42", "42")]
    [InlineData("Answer: 42 (6 × 7, checked twice)", "42")]
    [InlineData("Answer: 5766 + 6487 = 12253", "12253")]
    [InlineData("First 3, then 5.\nAnswer: 1,234 apples", "1234")]
    [InlineData("Answer: \u221218", "-18")]
    [InlineData("answer: 7\nBecause 3 + 4 = 7 and 10 is bigger.", "7")]
    [InlineData("The answer is 9. Answer: 11", "11")]
    [InlineData("<think>Maybe 5? Answer: 5</think>\nAnswer: 6", "6")]
    [InlineData("So we get $\\boxed{128}$ in the end, not 3.", "128")]
    [InlineData("<think>unfinished reasoning with 99", null)]
    [InlineData("Answer: unsure", null)]
    [InlineData("", null)]
    public void Extract_Integer_ReadsTheAnswerNumber(string reply, string? expected)
    {
        Assert.Equal(expected, AnswerScorer.Extract(reply, AnswerFormat.Integer));
    }

    [Theory]
    [InlineData("Answer: 42.0", "42", 1)]
    [InlineData("Answer: 42.5", "42", 0)]
    [InlineData("Answer: 174.04 miles", "174.0", 1)]
    [InlineData("Answer: 174", "174.0", 1)]
    [InlineData("Answer: 174.06", "174.0", 0)]
    [InlineData("Answer: 310.9 lb.", "310.9", 1)]
    public void Score_Numbers_CompareByValueAtTheExpectedPrecision(string reply, string expected, double score)
    {
        var format = expected.Contains('.', StringComparison.Ordinal) ? AnswerFormat.Decimal : AnswerFormat.Integer;

        Assert.Equal(score, AnswerScorer.Score(reply, expected, format));
    }

    [Theory]
    [InlineData("Answer: No, it is not.", "no", 1)]
    [InlineData("Answer: true", "yes", 1)]
    [InlineData("It is not divisible, so no.", "no", 1)]
    [InlineData("Answer: yes", "no", 0)]
    [InlineData("Answer: it depends", "no", 0)]
    [InlineData("Nothing known", "no", 0)]
    public void Score_YesNo_ReadsTheFirstWordAfterTheMarker(string reply, string expected, double score)
    {
        Assert.Equal(score, AnswerScorer.Score(reply, expected, AnswerFormat.YesNo));
    }

    [Theory]
    [InlineData("Answer: \"Olleh\".", "olleh", false, 1)]
    [InlineData("Answer:   friday  ", "Friday", false, 1)]
    [InlineData("Answer: the word is olleh", "olleh", false, 0)]
    [InlineData("Answer: NECTAR  DESERT", "NECTAR DESERT", true, 1)]
    [InlineData("Answer: Nectar Desert", "NECTAR DESERT", true, 0)]
    [InlineData("Answer: 9:05", "09:05", false, 1)]
    [InlineData("Answer: 19:05", "09:05", false, 0)]
    [InlineData("I think it is\nolleh", "olleh", false, 1)]
    public void Score_Text_NormalisesQuotesWhitespaceAndCaseWhereAllowed(string reply, string expected, bool caseSensitive, double score)
    {
        Assert.Equal(score, AnswerScorer.Score(reply, expected, caseSensitive ? AnswerFormat.ExactText : AnswerFormat.Text));
    }

    [Theory]
    [InlineData("Answer: [1, 2, 3]", 1)]
    [InlineData("Answer: 1, 2 and 3.", 1)]
    [InlineData("Answer: 1 2 3", 1)]
    [InlineData("Answer: 1, 3, 2", 0)]
    [InlineData("Answer: 1, 2", 0)]
    public void Score_List_ComparesItemsInOrder(string reply, double score)
    {
        Assert.Equal(score, AnswerScorer.Score(reply, "1, 2, 3", AnswerFormat.List));
    }

    [Fact]
    public void Score_ListOfWords_IgnoresCaseAndQuotes()
    {
        Assert.Equal(1, AnswerScorer.Score("Answer: \"Apple\", 'banana', cherry", "apple, banana, cherry", AnswerFormat.List));
    }

    [Fact]
    public void Score_NullReply_ScoresZero()
    {
        Assert.Equal(0, AnswerScorer.Score(null, "1", AnswerFormat.Integer));
    }
}
