using System.Diagnostics;

namespace Gateway.Agents.Runtime;

/// <summary>
/// Spans of an agent run: one per role call (its model call comes back through the gateway's front door, whose spans
/// become its children through <c>traceparent</c>) and one per tool call. The source has the gateway's name, so the
/// gateway's tracer provider collects them; without it (tracing off) no span is created.
/// </summary>
internal static class AgentTracing
{
    public static readonly ActivitySource Source = new("Gateway");

    public const string OperationName = "gen_ai.operation.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string ToolName = "gen_ai.tool.name";
    public const string Role = "gateway.agent.role";
    public const string ToolStatus = "gateway.tool.status";

    public static Activity? StartRoleCall(string role, string model)
    {
        var span = Source.StartActivity("chat " + role, ActivityKind.Client);
        if (span is not null)
        {
            span.SetTag(OperationName, "chat");
            span.SetTag(Role, role);
            span.SetTag(RequestModel, model);
        }

        return span;
    }

    public static void RoleCallEnded(Activity? span, string? model, long inputTokens, long outputTokens, Exception? failure)
    {
        if (span is null)
        {
            return;
        }

        if (model is not null)
        {
            span.SetTag(ResponseModel, model);
        }

        span.SetTag(InputTokens, inputTokens);
        span.SetTag(OutputTokens, outputTokens);
        if (failure is not null)
        {
            span.SetTag("error.type", failure.GetType().FullName);
            span.SetStatus(ActivityStatusCode.Error);
        }
    }

    public static Activity? StartToolCall(string tool)
    {
        var span = Source.StartActivity("execute_tool " + tool, ActivityKind.Internal);
        if (span is not null)
        {
            span.SetTag(OperationName, "execute_tool");
            span.SetTag(ToolName, tool);
        }

        return span;
    }

    public static void ToolCallEnded(Activity? span, Tools.ToolOutcome outcome)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(ToolStatus, outcome.Status.ToString());
        if (!outcome.Succeeded)
        {
            span.SetTag("error.type", outcome.Status.ToString());
            span.SetStatus(ActivityStatusCode.Error);
        }
    }
}
