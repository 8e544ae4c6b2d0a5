using System.Globalization;
using System.Text.Json;

namespace Gateway.TestUtilities;

/// <summary>
/// Writes a small routing data set in the router's format (<c>outcomes.jsonl</c> + <c>models.json</c>):
/// arithmetic prompts that <c>mathbot</c> answers well and string-editing prompts that <c>wordbot</c>
/// answers well, so a trained router must read the prompt to choose.
/// </summary>
public static class RoutingDataset
{
    private static readonly string[] Words = ["planet", "window", "garden", "rocket", "silver", "forest", "bridge", "candle", "marble", "pepper", "winter", "castle"];

    public static string ArithmeticPrompt(int i) => $"What is {i * 7 % 97} plus {i * 13 % 89}? Answer with the number.";

    public static string StringPrompt(int i) => $"Reverse the letters of the word '{Words[i % Words.Length]}' and write it in upper case.";

    public static void Write(string directory, int perTask = 120)
    {
        Directory.CreateDirectory(directory);
        using (var outcomes = new StreamWriter(Path.Combine(directory, "outcomes.jsonl")))
        {
            for (var i = 0; i < perTask; i++)
            {
                var split = i % 5 == 0 ? "test" : "train";
                outcomes.WriteLine(JsonSerializer.Serialize(new
                {
                    id = "math-" + i.ToString(CultureInfo.InvariantCulture),
                    split,
                    task = "arithmetic",
                    prompt = ArithmeticPrompt(i),
                    scores = new Dictionary<string, double> { ["mathbot"] = 1, ["wordbot"] = i % 4 == 0 ? 1 : 0 },
                }));
                outcomes.WriteLine(JsonSerializer.Serialize(new
                {
                    id = "word-" + i.ToString(CultureInfo.InvariantCulture),
                    split,
                    task = "strings",
                    prompt = StringPrompt(i),
                    scores = new Dictionary<string, double> { ["mathbot"] = i % 4 == 0 ? 1 : 0, ["wordbot"] = 1 },
                }));
            }
        }

        File.WriteAllText(Path.Combine(directory, "models.json"), JsonSerializer.Serialize(new
        {
            models = new object[]
            {
                new { name = "mathbot", params_b = 1.0, price_per_mtok = 0.1 },
                new { name = "wordbot", params_b = 1.0, price_per_mtok = 0.1 },
            },
        }));
    }
}
