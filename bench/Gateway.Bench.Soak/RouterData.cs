using System.Globalization;
using System.Text.Json;

namespace Gateway.Bench.Soak;

/// <summary>
/// A small routing data set over the soak's two models (arithmetic prompts answered well by <c>remote</c>, string
/// prompts by <c>tiny</c>), trained into a router with the gateway's own <c>router train</c> verb (hashing encoder), so
/// that <c>model: "auto"</c> and <c>/v1/route</c> run a real routing decision.
/// </summary>
internal static class RouterData
{
    private static readonly string[] Words = ["planet", "window", "garden", "rocket", "silver", "forest", "bridge", "candle"];

    public static async Task<string> TrainAsync(FileInfo gateway, string directory, CancellationToken cancellation)
    {
        var data = Directory.CreateDirectory(Path.Combine(directory, "routing-data")).FullName;
        var artifact = Path.Combine(directory, "router");
        await using (var outcomes = new StreamWriter(Path.Combine(data, "outcomes.jsonl")))
        {
            for (var i = 0; i < 60; i++)
            {
                var split = i % 5 == 0 ? "test" : "train";
                var n = i.ToString(CultureInfo.InvariantCulture);
                await outcomes.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    id = "math-" + n,
                    split,
                    task = "arithmetic",
                    prompt = $"What is {i * 7 % 97} plus {i * 13 % 89}? Answer with the number.",
                    scores = new Dictionary<string, double> { [Bodies.Remote] = 1, [Bodies.Local] = i % 4 == 0 ? 1 : 0 },
                }));
                await outcomes.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    id = "word-" + n,
                    split,
                    task = "strings",
                    prompt = $"Reverse the word '{Words[i % Words.Length]}'.",
                    scores = new Dictionary<string, double> { [Bodies.Remote] = i % 4 == 0 ? 1 : 0, [Bodies.Local] = 1 },
                }));
            }
        }

        await File.WriteAllTextAsync(Path.Combine(data, "models.json"), JsonSerializer.Serialize(new
        {
            models = new object[]
            {
                new { name = Bodies.Remote, params_b = 1.0, price_per_mtok = 1.0 },
                new { name = Bodies.Local, params_b = 1.0, price_per_mtok = 1.0 },
            },
        }), cancellation);
        var (exit, output) = await GatewayProcess.RunVerbAsync(gateway, directory,
            ["router", "train", "--data", data, "--out", artifact, "--encoder", "hashing", "--ensemble", "1", "--epochs", "3"], cancellation);
        return exit == 0 ? artifact : throw new InvalidOperationException($"router train exited with {exit}:\n{output}");
    }
}
