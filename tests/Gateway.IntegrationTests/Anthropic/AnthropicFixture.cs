using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary>
/// One gateway in front of one OpenAI-compatible fake upstream (<c>alpha</c>) whose answers follow the chat request:
/// a tool call while tools are offered and no result has come back, then text naming the tool's result; reasoning
/// (<c>reasoning_content</c>) first when <c>reasoning_effort</c> is asked for; streamed or not, usage 11 in, 7 out.
/// Two keys: <see cref="Key"/> without limits, <see cref="LimitedKey"/> with <see cref="LimitedTokensPerMinute"/>.
/// </summary>
public sealed class AnthropicFixture : IAsyncLifetime
{
    public const string Key = "sk-ant-full";
    public const string LimitedKey = "sk-ant-limited";
    public const int LimitedTokensPerMinute = 400;

    /// <summary>A user prompt that makes the streamed answer break after its first chunk.</summary>
    public const string BreakPrompt = "break the stream";

    public FakeUpstream Upstream { get; private set; } = null!;

    public GatewayTestHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await FakeUpstream.StartAsync("alpha");
        Upstream.Handler = AnswerAsync;
        Gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:alpha:BaseUrl"] = Upstream.BaseUrl.ToString(),
            ["Gateway:Models:alpha:UpstreamModel"] = "alpha-upstream-id",
            ["Gateway:Models:alpha:InputPricePerMTok"] = "1",
            ["Gateway:Models:alpha:OutputPricePerMTok"] = "2",
            ["Gateway:Keys:full:Hash"] = Hash(Key),
            ["Gateway:Keys:limited:Hash"] = Hash(LimitedKey),
            ["Gateway:Keys:limited:TokensPerMinute"] = LimitedTokensPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    private static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The chat requests the upstream received, newest last.</summary>
    public JsonObject LastChat() => Upstream.Requests.Last(r => r.Path == "/v1/chat/completions").Json!.AsObject();

    /// <summary>Set by a test once the first chunk of a <see cref="BreakPrompt"/> answer reached it; the upstream then dies.</summary>
    public TaskCompletionSource BreakGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, a streamed answer sends its first chunk, then waits for this gate before the rest.</summary>
    public TaskCompletionSource? StreamGate { get; set; }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = FakeUpstream.RecordedOf(context).Json!.AsObject();
        var model = request["model"]!.GetValue<string>();
        var messages = request["messages"]!.AsArray();
        var last = messages[^1]!;
        var callTool = request["tools"] is JsonArray { Count: > 0 } && last["role"]!.GetValue<string>() != "tool";
        var reasoning = request.ContainsKey("reasoning_effort") ? "Let me think." : null;
        var text = last["role"]!.GetValue<string>() == "tool" ? $"It is {last["content"]!.GetValue<string>()}." : "Hello from alpha";
        var usage = new JsonObject { ["prompt_tokens"] = 11, ["completion_tokens"] = 7, ["total_tokens"] = 18 };
        JsonObject Call(bool whole) => new()
        {
            ["index"] = 0,
            ["id"] = "call_1",
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = request["tools"]![0]!["function"]!["name"]!.GetValue<string>(), ["arguments"] = whole ? "{\"city\":\"Paris\"}" : "" },
        };

        if (request["stream"]?.GetValue<bool>() != true)
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = callTool ? null : text };
            if (reasoning is not null)
            {
                message["reasoning_content"] = reasoning;
            }
            if (callTool)
            {
                message["tool_calls"] = new JsonArray(Call(whole: true));
            }
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["id"] = "chatcmpl-1",
                ["object"] = "chat.completion",
                ["created"] = 1,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = callTool ? "tool_calls" : "stop" }),
                ["usage"] = usage,
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        List<JsonObject> deltas = [];
        if (reasoning is not null)
        {
            deltas.Add(new JsonObject { ["role"] = "assistant", ["reasoning_content"] = reasoning });
        }
        if (callTool)
        {
            deltas.Add(new JsonObject { ["tool_calls"] = new JsonArray(Call(whole: false)) });
            deltas.Add(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = "{\"city\":" } }) });
            deltas.Add(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = "\"Paris\"}" } }) });
        }
        else
        {
            deltas.AddRange(text.Split(' ').Select((word, i) => new JsonObject { ["content"] = i == 0 ? word : " " + word }));
        }

        if (last["content"]?.GetValueKind() == JsonValueKind.String && last["content"]!.GetValue<string>() == BreakPrompt)
        {
            // The upstream dies once its first chunk reached the caller: the front door ends the chat stream with an error event.
            await WriteAsync(context, Chunk(model, deltas[0], null));
            await BreakGate.Task.WaitAsync(context.RequestAborted);
            context.Abort();
            return;
        }

        foreach (var delta in deltas)
        {
            await WriteAsync(context, Chunk(model, delta, null));
            if (StreamGate is { } gate)
            {
                await gate.Task.WaitAsync(context.RequestAborted);
            }
        }
        await WriteAsync(context, Chunk(model, new JsonObject(), callTool ? "tool_calls" : "stop"));
        await WriteAsync(context, new JsonObject { ["id"] = "chatcmpl-1", ["object"] = "chat.completion.chunk", ["model"] = model, ["choices"] = new JsonArray(), ["usage"] = usage });
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    private static JsonObject Chunk(string model, JsonObject delta, string? finish) => new()
    {
        ["id"] = "chatcmpl-1",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    };

    private static async Task WriteAsync(HttpContext context, JsonObject chunk)
    {
        await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async Task DisposeAsync()
    {
        StreamGate?.TrySetResult();
        BreakGate.TrySetResult();
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
