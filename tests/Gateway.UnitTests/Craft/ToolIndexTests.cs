using System.Text.Json.Nodes;
using Gateway.Craft.Retrieval;
using Gateway.Embeddings;
using Gateway.TestUtilities.Craft;

namespace Gateway.UnitTests.Craft;

/// <summary>CRAFT retrieval over the shipped text and math toolsets with real MiniLM embeddings.</summary>
public sealed class ToolIndexTests
{
    /// <summary>Problems none of the tools was made from: the problem, the tool it needs, and a guess a model might make.</summary>
    public static readonly TheoryData<string, string, string, string> HeldOut = new()
    {
        { "Count how many of the letters in 'rhythm and blues' are vowels.", "count_vowels", "vowel_counter,count_vowels", "Counts the vowels in a string." },
        { "Put the words of 'one two three four' in reverse order.", "reverse_words", "reverse_words,reverse_sentence", "Reverses the order of words in a sentence." },
        { "How many words does 'the cat sat on the mat' contain?", "count_words", "word_count", "Returns the number of words in a text." },
        { "Does 'Was it a car or a cat I saw' read the same backwards?", "is_palindrome", "is_palindrome,check_palindrome", "Checks whether a string is a palindrome." },
        { "Shift every letter of 'attack at dawn' by 13 places in the alphabet.", "caesar_shift", "rot13,shift_letters", "Shifts each letter of a string by n places in the alphabet." },
        { "In the phrase 'banana bread', which letter occurs the most?", "most_common_letter", "letter_frequency,most_frequent_char", "Finds the most frequent letter in a string." },
        { "Turn 'the lord of the rings' into title case.", "capitalize_words", "title_case", "Converts a string to title case." },
        { "Find the largest number that divides both 48 and 180.", "gcd", "greatest_common_divisor", "Returns the greatest common divisor of two integers." },
        { "What is the smallest number that is a multiple of both 8 and 12?", "lcm", "least_common_multiple", "Computes the least common multiple of two numbers." },
        { "Is 221 a prime?", "is_prime", "is_prime,primality_test", "Checks whether a number is prime." },
        { "Give the 15th number of the Fibonacci sequence.", "fibonacci", "fibonacci,nth_fibonacci", "Returns the n-th Fibonacci number." },
        { "In how many orders can 8 people stand in a line?", "factorial", "factorial,permutations", "Computes the factorial of n." },
        { "Add up the digits of 123456.", "sum_of_digits", "digit_sum", "Sums the digits of an integer." },
        { "What is 30 percent of 250?", "percent_of", "percentage,percent_of", "Computes a percentage of a number." },
    };

    private static readonly Lazy<ToolIndex> Index = new(() =>
        ToolIndex.Build([CraftFixtures.ShippedAsync("text").Result, CraftFixtures.ShippedAsync("math").Result], PromptEncoders.Default));

    [Theory]
    [MemberData(nameof(HeldOut))]
    public async Task Retrieve_HeldOutProblemWithModelGuess_RightToolInTopThree(string problem, string tool, string names, string docstring)
    {
        var chat = new ScriptedChatClient
        {
            Reply = _ => $"Tools:\n```json\n{new JsonObject { ["names"] = new JsonArray(names.Split(',').Select(n => (JsonNode)n).ToArray()), ["docstring"] = docstring }.ToJsonString()}\n```",
        };

        var result = await Index.Value.RetrieveAsync(problem, chat);

        Assert.True(result.Guess.FromModel);
        Assert.InRange(result.Selected.Count, 1, 3);
        Assert.True(result.Selected.Any(s => s.Tool.Name == tool),
            $"{tool} not in [{string.Join(", ", result.Selected.Select(s => $"{s.Tool.Name}:{s.Votes}:{s.Score:0.00}"))}]");
        Assert.All(result.Selected, s => Assert.True(result.FellBack || s.Votes >= 2));
    }

    [Theory]
    [MemberData(nameof(HeldOut))]
    public async Task Retrieve_ModelReplyUnreadable_FallsBackToTheProblemAndStillFindsTheTool(string problem, string tool, string names, string docstring)
    {
        _ = (names, docstring);
        var chat = new ScriptedChatClient { Reply = _ => "I would use a helper." };

        var result = await Index.Value.RetrieveAsync(problem, chat);

        Assert.False(result.Guess.FromModel);
        Assert.Contains(result.Selected.Take(3), s => s.Tool.Name == tool);
    }

    [Fact]
    public void Rank_NoToolNominatedTwice_FallsBackToTheBestScores()
    {
        var result = Index.Value.Rank("Is 97 prime?", new ToolGuess(["reverse_words"], "Capitalizes words.", true),
            new RetrievalOptions { CandidatesPerView = 1, MinVotes = 3, MaxTools = 2 });

        Assert.True(result.FellBack);
        Assert.Equal(2, result.Selected.Count);
    }

    [Fact]
    public void Search_Query_RanksTheMatchingToolFirst()
    {
        var hits = Index.Value.Search("greatest common divisor", 3);

        Assert.Equal("gcd", hits[0].Tool.Name);
        Assert.Equal("math", hits[0].Toolset);
    }
}
