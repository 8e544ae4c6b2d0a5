using System.Globalization;
using Gateway.Routing.Aptitude;

namespace Gateway.UnitTests.Routing.Aptitude;

/// <summary>Replies a model might give: right ones in several shapes, and wrong answers per format.</summary>
internal static class ScorerCases
{
    public static IEnumerable<string> RightReplies(string expected) =>
    [
        $"Answer: {expected}",
        $"answer:{expected}",
        $"Working it out step by step: 3, then 7, then 12.\n\nAnswer: {expected}",
        $"**Answer:** {expected}.",
        $"Answer:\n\n{expected}\n",
        $"<think>Answer: 12345 qqq</think>\nAnswer: {expected}",
        $"The final answer is {expected}",
        expected,
    ];

    public static IEnumerable<string> WrongAnswers(AptitudeItem item)
    {
        switch (item.Format)
        {
            case AnswerFormat.Integer or AnswerFormat.Decimal:
                var value = decimal.Parse(item.Expected, CultureInfo.InvariantCulture);
                yield return (value + 1).ToString(CultureInfo.InvariantCulture);
                yield return (-value - 1).ToString(CultureInfo.InvariantCulture);
                break;
            case AnswerFormat.YesNo:
                yield return item.Expected == "yes" ? "no" : "yes";
                break;
            case AnswerFormat.List:
                yield return item.Expected + ", 0";
                var reversed = string.Join(", ", item.Expected.Split(", ").Reverse());
                if (reversed != item.Expected)
                {
                    yield return reversed;
                }

                break;
            case AnswerFormat.ExactText:
                yield return item.Expected + "x";
                var upper = item.Expected.ToUpperInvariant();
                yield return upper == item.Expected ? item.Expected.ToLowerInvariant() : upper;
                break;
            default:
                yield return item.Expected + "x";
                yield return "x" + item.Expected;
                break;
        }
    }
}
