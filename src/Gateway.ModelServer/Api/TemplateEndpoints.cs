using System.Text.Json.Nodes;
using Gateway.Errors;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>
/// <c>POST /apply-template</c>, as llama-server has it: a chat request in, <c>{"prompt": …}</c> out, rendered exactly
/// as a chat completion would be, without generating. Operators use it to see what a model is really given.
/// </summary>
internal static class TemplateEndpoints
{
    public static async Task Handle(HttpContext http, LoadedModel model)
    {
        string prompt;
        try
        {
            using var body = await RequestParser.ReadBodyAsync(http.Request, http.RequestAborted);
            var request = RequestParser.ParseChat(body.RootElement, model.GrammarLimits);
            prompt = model.ApplyTemplate(request);
        }
        catch (ApiException e)
        {
            await GatewayErrorWriter.WriteAsync(http, e.Error);
            return;
        }
        await http.Response.WriteAsJsonAsync(new JsonObject { ["prompt"] = prompt }, http.RequestAborted);
    }
}
