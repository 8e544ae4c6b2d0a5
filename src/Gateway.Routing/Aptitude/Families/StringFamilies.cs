namespace Gateway.Routing.Aptitude.Families;

/// <summary>String edits: reversing, case, removing and replacing letters, prefixes, suffixes, substrings, palindromes.</summary>
internal static class StringFamilies
{
    private const string Category = "strings";

    public static IReadOnlyList<AptitudeFamily> All { get; } =
    [
        new("reverse_word", Category, "Reverse the letters of a word.", r =>
        {
            var word = r.Pick(Words.Common);
            return Ask.Text($"Reverse the letters of the word \"{word}\".", Reverse(word));
        }),
        new("uppercase", Category, "Convert a phrase to upper case (case-sensitive).", r =>
        {
            var phrase = Words.Phrase(r, r.Next(2, 5));
            return Ask.Exact($"Convert this text to upper case: \"{phrase}\"", phrase.ToUpperInvariant());
        }),
        new("lowercase", Category, "Convert a mixed-case phrase to lower case (case-sensitive).", r =>
        {
            var phrase = Words.Phrase(r, r.Next(2, 5));
            var mixed = new string(phrase.Select(c => r.Coin() ? char.ToUpperInvariant(c) : c).ToArray());
            return Ask.Exact($"Convert this text to lower case: \"{mixed}\"", phrase);
        }),
        new("remove_vowels", Category, "Remove the vowels (a, e, i, o, u) from a word.", r =>
        {
            var word = r.Pick(Words.Common);
            return Ask.Text($"Remove every vowel (a, e, i, o, u) from the word \"{word}\". What remains?", new string(word.Where(c => !Words.IsVowel(c)).ToArray()));
        }),
        new("replace_letter", Category, "Replace every occurrence of a letter in a word.", r =>
        {
            var word = r.Pick(Words.Common);
            var from = r.Pick(word.ToArray());
            var to = (char)('a' + ((from - 'a' + r.Next(1, 26)) % 26));
            return Ask.Text($"Replace every \"{from}\" in \"{word}\" with \"{to}\". What is the result?", word.Replace(from, to));
        }),
        new("first_chars", Category, "The first 2–4 letters of a word.", r =>
        {
            var (word, n) = (r.Pick(Words.Common), r.Next(2, 5));
            return Ask.Text($"What are the first {n} letters of \"{word}\"?", word[..n]);
        }),
        new("last_chars", Category, "The last 2–4 letters of a word.", r =>
        {
            var (word, n) = (r.Pick(Words.Common), r.Next(2, 5));
            return Ask.Text($"What are the last {n} letters of \"{word}\"?", word[^n..]);
        }),
        new("palindrome", Category, "Decide whether a string of letters is a palindrome.", r =>
        {
            var half = Words.Letters(r, r.Next(2, 5));
            var middle = r.Coin() ? Words.Letters(r, 1) : string.Empty;
            var text = r.Coin() ? half + middle + Reverse(half) : half + middle + Words.Letters(r, half.Length);
            return Ask.YesNo($"Is \"{text}\" a palindrome (the same read forwards and backwards)?", text == Reverse(text));
        }),
        new("substring", Category, "Extract the letters at given positions of a word.", r =>
        {
            var word = r.Pick(Words.Common);
            var start = r.Next(1, word.Length - 1);
            var end = Math.Min(word.Length, start + r.Next(1, 4));
            return Ask.Text($"Counting from 1, what are letters {start} through {end} of \"{word}\"?", word[(start - 1)..end]);
        }),
        new("acronym", Category, "Form the upper-case acronym of a phrase (case-sensitive).", r =>
        {
            var words = r.PickDistinct(Words.Common, r.Next(3, 6));
            return Ask.Exact(
                $"Write the acronym of \"{words.Join(" ")}\": the first letter of each word, in upper case, with nothing between them.",
                new string(words.Select(w => char.ToUpperInvariant(w[0])).ToArray()));
        }),
    ];

    internal static string Reverse(string text)
    {
        var chars = text.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }
}
