using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Gateway.IntegrationTests.Inference;

/// <summary>Small helpers for OpenAI chat bodies and SSE streams in the local model tests.</summary>
internal static class Chat
{
    public static object Body(string prompt, int maxTokens, int seed, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = "tiny",
            ["messages"] = new[] { new { role = "user", content = prompt } },
            ["max_tokens"] = maxTokens,
            ["seed"] = seed,
        };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }
        return body;
    }

    /// <summary>The parameters of a <c>get_weather</c> tool: a city, a unit ("c" or "f") and a number of days, all required.</summary>
    public static readonly BinaryData WeatherParameters = BinaryData.FromObjectAsJson(new
    {
        type = "object",
        properties = new
        {
            city = new { type = "string" },
            unit = new { type = "string", @enum = new[] { "c", "f" } },
            days = new { type = "integer" },
        },
        required = new[] { "city", "unit", "days" },
    });

    /// <summary>Keeps a generation going until max_tokens: the tiny model's end-of-text tokens are banned.</summary>
    public static readonly object NoEnd = new Dictionary<string, int> { ["2"] = -100, ["4"] = -100 };

    public static string Content(JsonDocument response) =>
        response.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString() ?? "";

    public static string FinishReason(JsonDocument response) =>
        response.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString()!;

    /// <summary>Opens a streaming chat request and returns the response, headers read, body not yet.</summary>
    public static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient http, Uri baseUri, object body, CancellationToken cancellation = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "chat/completions")) { Content = JsonContent.Create(body) };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        response.EnsureSuccessStatusCode();
        return response;
    }

    /// <summary>Reads SSE <c>data:</c> payloads until <c>[DONE]</c>.</summary>
    public static async IAsyncEnumerable<JsonElement> ReadEventsAsync(HttpResponseMessage response)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }
            var data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                yield break;
            }
            yield return JsonDocument.Parse(data).RootElement.Clone();
        }
    }
}
