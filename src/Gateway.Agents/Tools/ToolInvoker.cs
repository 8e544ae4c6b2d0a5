using System.Diagnostics;
using System.Text.Json;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Tools;

/// <summary>How one tool call ended.</summary>
public enum ToolStatus
{
    /// <summary>The tool returned; its output is the result.</summary>
    Ok,

    /// <summary>The tool threw or its arguments were unusable; the output says why.</summary>
    Error,

    /// <summary>The tool did not answer within the agent's <c>ToolTimeout</c>.</summary>
    Timeout,

    /// <summary>The model named a tool the run does not have.</summary>
    UnknownTool,

    /// <summary>The call was not made; no part of the runtime produces this status today.</summary>
    Skipped,
}

/// <summary>A tool call's result: what the agent reads as evidence or observation.</summary>
public sealed record ToolOutcome(ToolStatus Status, string Output, TimeSpan Duration)
{
    /// <summary>True for <see cref="ToolStatus.Ok"/>; an MCP caller gets any other status as an error result.</summary>
    public bool Succeeded => Status == ToolStatus.Ok;
}

/// <summary>
/// Calls tools with a time limit and turns every failure (an exception, a timeout, an unknown
/// tool, bad arguments) into an outcome whose text says so: a failing tool is evidence, never an abort.
/// </summary>
internal static class ToolInvoker
{
    /// <summary>
    /// Calls <paramref name="tool"/> with a plain-text input: a JSON object binds by name; comma-separated values bind in
    /// order to a tool with two or more required parameters (<c>84, 126</c> for <c>gcd(a, b)</c>); anything else binds to
    /// the primary parameter.
    /// </summary>
    public static Task<ToolOutcome> InvokeAsync(Kernel kernel, AgentTool? tool, string toolName, string input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (tool is null)
        {
            return Task.FromResult(new ToolOutcome(ToolStatus.UnknownTool, $"Error: there is no tool named '{toolName}'.", TimeSpan.Zero));
        }

        var arguments = new KernelArguments();
        var trimmed = input.Trim();
        if (trimmed.StartsWith('{') && TryParseObject(trimmed) is { } json)
        {
            foreach (var property in json.EnumerateObject())
            {
                arguments[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }
        else if (Positional(tool, input) is { } values)
        {
            foreach (var (name, value) in values)
            {
                arguments[name] = value;
            }
        }
        else if (tool.PrimaryParameter is { } parameter)
        {
            arguments[parameter] = input;
        }

        return InvokeAsync(kernel, tool, arguments, timeout, cancellationToken);
    }

    /// <summary>Calls <paramref name="tool"/> with named arguments (an OpenAI tool call's).</summary>
    public static async Task<ToolOutcome> InvokeAsync(Kernel kernel, AgentTool tool, KernelArguments arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var span = Runtime.AgentTracing.StartToolCall(tool.Name);
        var outcome = await InvokeCoreAsync(kernel, tool, arguments, timeout, cancellationToken);
        Runtime.AgentTracing.ToolCallEnded(span, outcome);
        return outcome;
    }

    private static async Task<ToolOutcome> InvokeCoreAsync(Kernel kernel, AgentTool tool, KernelArguments arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            // A tool is any KernelFunction, synchronous ones included: it runs on the thread pool, so it never holds
            // the I/O thread the run continued on, and the time limit holds even for a tool that never yields.
            var result = await Task.Run(() => tool.Function.InvokeAsync(kernel, arguments, limit.Token), limit.Token).WaitAsync(limit.Token);
            return new ToolOutcome(ToolStatus.Ok, Unquoted(ToolOutputText.From(result.GetValue<object>())), Stopwatch.GetElapsedTime(start));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ToolOutcome(ToolStatus.Timeout, $"Error: the tool '{tool.Name}' did not answer within {timeout.TotalSeconds:0.###} s.", Stopwatch.GetElapsedTime(start));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var message = ex is KernelException && ex.InnerException is not null ? ex.InnerException.Message : ex.Message;
            return new ToolOutcome(ToolStatus.Error, $"Error: the tool '{tool.Name}' failed: {message}", Stopwatch.GetElapsedTime(start));
        }
    }

    /// <summary>
    /// The values of a comma-separated input by required parameter, in declaration order; null unless the tool has two or
    /// more required parameters and the input has at least as many parts. Extra commas stay in the first value (a text).
    /// </summary>
    private static List<(string Name, string Value)>? Positional(AgentTool tool, string input)
    {
        var required = tool.Function.Metadata.Parameters.Where(p => p.IsRequired).Select(p => p.Name).ToList();
        var parts = input.Split(',');
        if (required.Count < 2 || parts.Length < required.Count)
        {
            return null;
        }

        var extra = parts.Length - required.Count;
        var values = new List<(string, string)> { (required[0], string.Join(',', parts[..(extra + 1)]).Trim()) };
        for (var i = 1; i < required.Count; i++)
        {
            values.Add((required[i], parts[extra + i].Trim()));
        }

        return values;
    }

    /// <summary>A tool that returns JSON text (a toolset function) gives a string result in quotes; agents read the text itself.</summary>
    private static string Unquoted(string output)
    {
        if (output.Length < 2 || output[0] != '"' || output[^1] != '"')
        {
            return output;
        }

        try
        {
            return JsonSerializer.Deserialize<string>(output) ?? output;
        }
        catch (JsonException)
        {
            return output;
        }
    }

    private static JsonElement? TryParseObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
