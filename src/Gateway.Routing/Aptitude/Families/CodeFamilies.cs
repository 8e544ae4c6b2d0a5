namespace Gateway.Routing.Aptitude.Families;

/// <summary>The output of tiny Python and JavaScript programs: loops, string operations, array pipelines.</summary>
internal static class CodeFamilies
{
    private const string Category = "code";

    public static IReadOnlyList<AptitudeFamily> All { get; } =
    [
        new("python_loop", Category, "The output of a short Python loop.", r => r.Next(3) switch
        {
            0 => SumRange(r.Next(0, 10), r.Next(13, 25)),
            1 => Doubling(r.Next(1, 10), r.Next(2, 6), r.Next(-3, 6)),
            _ => CountMultiples(r.Next(10, 101), r.Next(2, 10)),
        }),
        new("python_string", Category, "The output of a Python string expression (case-sensitive).", r =>
        {
            var word = r.Pick(Words.Common);
            var (expression, output) = r.Next(5) switch
            {
                0 => ("s[::-1]", StringFamilies.Reverse(word)),
                1 => ("s[1:4]", word[1..4]),
                2 => ("s[-3:].upper()", word[^3..].ToUpperInvariant()),
                3 => ("s[0] + s[-1]", $"{word[0]}{word[^1]}"),
                _ => ("s.capitalize()", char.ToUpperInvariant(word[0]) + word[1..]),
            };
            return Ask.Exact(Program("Python", "python", $"s = \"{word}\"\nprint({expression})"), output);
        }),
        new("js_loop", Category, "The output of a short JavaScript loop.", r =>
        {
            if (r.Coin())
            {
                var (x, n, m) = (r.Next(1, 10), r.Next(2, 5), r.Next(2, 4));
                var result = (long)x;
                for (var i = 0; i < n; i++)
                {
                    result = (result * m) - i;
                }

                return Ask.Integer(Program("JavaScript", "js", $"let x = {x};\nfor (let i = 0; i < {n}; i++) {{\n  x = x * {m} - i;\n}}\nconsole.log(x);"), result);
            }

            var (start, steps) = (r.Next(2, 21), 0);
            for (var v = start; v != 1; steps++)
            {
                v = v % 2 == 0 ? v / 2 : (3 * v) + 1;
            }

            return Ask.Integer(Program("JavaScript", "js", $"let n = {start}, steps = 0;\nwhile (n !== 1) {{\n  n = n % 2 === 0 ? n / 2 : 3 * n + 1;\n  steps++;\n}}\nconsole.log(steps);"), steps);
        }),
        new("js_array", Category, "The output of a JavaScript array pipeline.", r =>
        {
            var nums = Enumerable.Range(0, r.Next(5, 9)).Select(_ => r.Next(1, 31)).ToArray();
            var (k, t) = (r.Next(2, 6), r.Next(5, 25));
            var (code, result) = r.Next(3) switch
            {
                0 => ($"nums.filter(x => x % 2 === 0).map(x => x * {k}).reduce((a, b) => a + b, 0)", nums.Where(x => x % 2 == 0).Sum(x => x * k)),
                1 => ($"nums.filter(x => x > {t}).length", nums.Count(x => x > t)),
                _ => ("Math.max(...nums) - Math.min(...nums)", nums.Max() - nums.Min()),
            };
            return Ask.Integer(Program("JavaScript", "js", $"const nums = [{nums.Join()}];\nconsole.log({code});"), result);
        }),
    ];

    private static string Program(string language, string fence, string code) =>
        $"What does this {language} program print?\n```{fence}\n{code}\n```";

    private static Question SumRange(int from, int to) =>
        Ask.Integer(Program("Python", "python", $"total = 0\nfor i in range({from}, {to}):\n    total += i\nprint(total)"), Enumerable.Range(from, to - from).Sum());

    private static Question Doubling(int start, int rounds, int add)
    {
        var x = (long)start;
        for (var i = 0; i < rounds; i++)
        {
            x = (x * 2) + add;
        }

        return Ask.Integer(Program("Python", "python", $"x = {start}\nfor _ in range({rounds}):\n    x = x * 2 + {add}\nprint(x)"), x);
    }

    private static Question CountMultiples(int n, int k) =>
        Ask.Integer(Program("Python", "python", $"count = 0\nfor i in range(1, {n} + 1):\n    if i % {k} == 0:\n        count += 1\nprint(count)"), n / k);
}
