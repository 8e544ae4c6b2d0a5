using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Routing.Aptitude.Families;

/// <summary>Reading JSON: a (nested) field, the length of an array, the sum of a field over an array.</summary>
internal static class JsonFamilies
{
    private const string Category = "json";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IReadOnlyList<AptitudeFamily> All { get; } =
    [
        new("json_field", Category, "Read a field, a nested field or an array element of a JSON object.", r =>
        {
            var (name, age, city, zip) = (r.Pick(Words.Names), r.Next(18, 90), r.Pick(Words.Cities), r.Next(10000, 100000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
            var tags = r.PickDistinct(Words.Common, 3);
            var json = new JsonObject
            {
                ["id"] = r.Next(1000, 10000),
                ["name"] = name,
                ["age"] = age,
                ["address"] = new JsonObject { ["city"] = city, ["zip"] = zip },
                ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)t)]),
            };
            var (field, answer) = r.Next(5) switch
            {
                0 => ("the field \"name\"", Ask.Text(string.Empty, name)),
                1 => ("the field \"age\"", Ask.Integer(string.Empty, age)),
                2 => ("the field \"city\" inside \"address\"", Ask.Text(string.Empty, city)),
                3 => ("the field \"zip\" inside \"address\"", Ask.Text(string.Empty, zip)),
                _ => ("the second element of \"tags\"", Ask.Text(string.Empty, tags[1])),
            };
            return answer with { Text = $"Here is a JSON document:\n{Show(json)}\nWhat is the value of {field}?" };
        }),
        new("json_count", Category, "Count the elements of a JSON array.", r =>
        {
            var items = Enumerable.Range(0, r.Next(2, 11))
                .Select(_ => (JsonNode)new JsonObject { ["sku"] = $"{(char)('A' + r.Next(26))}{(char)('A' + r.Next(26))}-{r.Next(10, 100)}", ["qty"] = r.Next(1, 6) })
                .ToArray();
            var json = new JsonObject { ["order"] = r.Next(1000, 10000), ["items"] = new JsonArray(items) };
            return Ask.Integer($"Here is a JSON document:\n{Show(json)}\nHow many elements does the \"items\" array have?", items.Length);
        }),
        new("json_sum", Category, "Sum a numeric field over the objects of a JSON array.", r =>
        {
            var prices = Enumerable.Range(0, r.Next(3, 8)).Select(_ => r.Next(1, 100)).ToArray();
            var lines = prices.Select(p => (JsonNode)new JsonObject { ["product"] = r.Pick(Words.Common), ["price"] = p, ["qty"] = r.Next(1, 4) }).ToArray();
            var json = new JsonObject { ["customer"] = r.Pick(Words.Names), ["cart"] = new JsonArray(lines) };
            return Ask.Integer($"Here is a JSON document:\n{Show(json)}\nWhat is the sum of all \"price\" values in \"cart\" (ignore \"qty\")?", prices.Sum());
        }),
    ];

    private static string Show(JsonNode json) => json.ToJsonString(Indented);
}
