using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Routing.Aptitude;

namespace Gateway.Cli.Agents.Traces;

/// <summary>One role model call of an exported trace, a line of the traces file (see docs/agents.md).</summary>
internal sealed record TraceLine(string Agent, string Kind, string Role, AptitudeItem Item, JsonObject Request, JsonObject Completion)
{
    public JsonObject ToJson() => new()
    {
        ["agent"] = Agent,
        ["kind"] = Kind,
        ["role"] = Role,
        ["family"] = Item.Task,
        ["item"] = Item.Id,
        ["messages"] = Request["messages"]?.DeepClone(),
        ["tools"] = Request["tools"]?.DeepClone(),
        ["tool_choice"] = Request["tool_choice"]?.DeepClone(),
        ["response_format"] = Request["response_format"]?.DeepClone(),
        ["completion"] = Completion.DeepClone(),
    };
}

/// <summary>
/// The endpoint the exporting agent's role models are reached at: it reads each chat completion request exactly as
/// the OpenAI client sent it (the same client pipeline the gateway uses for agent roles), asks
/// <see cref="Respond"/> for the completion, records the pair and answers in the OpenAI response shape.
/// The role is the part of the request's model name after <see cref="ModelPrefix"/>.
/// </summary>
internal sealed class OracleHandler : HttpMessageHandler
{
    public const string ModelPrefix = "oracle.";

    /// <summary>Gives the completion for a role's request; set before each run.</summary>
    public Func<string, JsonObject, JsonObject> Respond { get; set; } = (_, _) => new JsonObject { ["content"] = "" };

    /// <summary>Every call since the last <see cref="Take"/>: the role, the request and the completion.</summary>
    private readonly List<(string Role, JsonObject Request, JsonObject Completion)> _calls = [];

    public IReadOnlyList<(string Role, JsonObject Request, JsonObject Completion)> Take()
    {
        lock (_calls)
        {
            var calls = _calls.ToList();
            _calls.Clear();
            return calls;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
        var model = body["model"]?.GetValue<string>() ?? "";
        var role = model.StartsWith(ModelPrefix, StringComparison.Ordinal) ? model[ModelPrefix.Length..] : model;
        var completion = Respond(role, body);
        lock (_calls)
        {
            _calls.Add((role, body, completion));
        }

        var message = new JsonObject { ["role"] = "assistant", ["content"] = completion["content"]?.DeepClone() };
        if (completion["tool_calls"] is JsonArray calls)
        {
            message["tool_calls"] = calls.DeepClone();
        }

        // Usage in characters, which is what a character-level model's tokens are.
        var prompt = (body["messages"] as JsonArray ?? []).Sum(m => m?["content"]?.ToJsonString().Length ?? 0);
        var output = completion.ToJsonString().Length;
        var response = new JsonObject
        {
            ["id"] = "chatcmpl-oracle",
            ["object"] = "chat.completion",
            ["created"] = 0,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = completion["tool_calls"] is null ? "stop" : "tool_calls",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = output, ["total_tokens"] = prompt + output },
        };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(response.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
