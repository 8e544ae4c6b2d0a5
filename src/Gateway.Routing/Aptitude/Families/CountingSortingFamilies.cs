namespace Gateway.Routing.Aptitude.Families;

/// <summary>Counting letters, words, vowels and occurrences; sorting numbers and words.</summary>
internal static class CountingSortingFamilies
{
    public static IReadOnlyList<AptitudeFamily> All { get; } =
    [
        new("count_letter", "counting", "Count how often a letter occurs in a phrase.", r =>
        {
            var phrase = Words.Phrase(r, r.Next(1, 4));
            var letter = r.Next(5) == 0 ? (char)('a' + r.Next(26)) : r.Pick(phrase.Where(char.IsLetter).ToArray());
            return Ask.Integer($"How many times does the letter \"{letter}\" appear in \"{phrase}\"?", phrase.Count(c => c == letter));
        }),
        new("count_words", "counting", "Count the words of a sentence.", r =>
        {
            var words = Enumerable.Range(0, r.Next(5, 15)).Select(_ => r.Pick(Words.Common)).ToArray();
            words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
            return Ask.Integer($"How many words are in the following sentence?\n{words.Join(" ")}.", words.Length);
        }),
        new("count_vowels", "counting", "Count the vowels (a, e, i, o, u) of a phrase.", r =>
        {
            var phrase = Words.Phrase(r, r.Next(1, 4));
            return Ask.Integer($"How many vowels (a, e, i, o, u) are in \"{phrase}\"?", phrase.Count(Words.IsVowel));
        }),
        new("count_occurrences", "counting", "Count how often a word occurs in a list.", r =>
        {
            var fruits = r.PickDistinct(Words.Fruits, 4);
            var list = Enumerable.Range(0, r.Next(8, 16)).Select(_ => r.Pick(fruits)).ToArray();
            var target = r.Pick(fruits);
            return Ask.Integer($"How many times does \"{target}\" appear in this list: {list.Join()}?", list.Count(f => f == target));
        }),
        new("sort_numbers_asc", "sorting", "Sort 5–8 numbers in ascending order.", r =>
        {
            var numbers = r.DistinctInts(r.Next(5, 9), 1, 1000);
            return Ask.List($"Sort these numbers in ascending order: {numbers.Join()}.", numbers.Order());
        }),
        new("sort_numbers_desc", "sorting", "Sort 5–8 numbers in descending order.", r =>
        {
            var numbers = r.DistinctInts(r.Next(5, 9), 1, 1000);
            return Ask.List($"Sort these numbers in descending order: {numbers.Join()}.", numbers.OrderDescending());
        }),
        new("sort_words", "sorting", "Sort 5–7 words alphabetically.", r =>
        {
            var words = r.PickDistinct(Words.Common, r.Next(5, 8));
            return Ask.List($"Sort these words alphabetically: {words.Join()}.", words.Order(StringComparer.Ordinal));
        }),
    ];
}
