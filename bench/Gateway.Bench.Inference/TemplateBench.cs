using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Gateway.Inference.Templates;
using Jint;

namespace Gateway.Bench.Inference;

/// <summary>
/// <c>templates</c>: chat-template rendering time per model family for a 20-message conversation offering 10 tools
/// (tool calls and results included), with the compiled template cached as the ModelServer caches it: the C# engine,
/// and with <c>--hfjinja</c> the reference renderer (@huggingface/jinja) run in Jint, the engine the project already
/// embeds, as the alternative to writing an engine. Prints p50/p99 per family and the Jint/C# ratio.
/// </summary>
internal static class TemplateBench
{
    private static readonly string[] Families =
    [
        "meta-llama-Llama-3.1-8B-Instruct.jinja", "meta-llama-Llama-3.2-3B-Instruct.jinja", "Qwen-Qwen2.5-7B-Instruct.jinja",
        "Qwen-Qwen3-0.6B.jinja", "mistralai-Mistral-Nemo-Instruct-2407.jinja", "NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja",
        "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", "ibm-granite-granite-3.3-2B-Instruct.jinja", "HuggingFaceTB-SmolLM3-3B.jinja",
        "openai-gpt-oss-120b.jinja", "meetkai-functionary-medium-v3.2.jinja",
    ];

    public static Command Create()
    {
        var templates = new Option<DirectoryInfo>("--templates") { Description = "llama.cpp's models/templates (build/fetch-chat-templates.sh prints it).", Required = true };
        var hfJinja = new Option<DirectoryInfo?>("--hfjinja") { Description = "An unpacked @huggingface/jinja package: also time it in Jint." };
        var iterations = new Option<int>("--iterations") { Description = "Timed renders per family and engine.", DefaultValueFactory = _ => 2000 };
        var command = new Command("templates", "Time chat-template rendering per family (p50/p99), C# engine vs @huggingface/jinja in Jint.") { templates, hfJinja, iterations };
        command.SetAction(parse =>
        {
            Run(parse.GetValue(templates)!.FullName, parse.GetValue(hfJinja)?.FullName, parse.GetValue(iterations));
            return 0;
        });
        return command;
    }

    private static void Run(string directory, string? hfJinja, int iterations)
    {
        var context = Conversation();
        var jint = hfJinja is null ? null : CreateJint(hfJinja);
        jint?.SetValue("contextJson", TemplateJson.Serialize(new JObject
        {
            ["messages"] = context.Messages,
            ["tools"] = context.Tools,
            ["add_generation_prompt"] = true,
            ["bos_token"] = context.BosToken,
            ["eos_token"] = context.EosToken,
        }, null));
        jint?.Execute("var context = JSON.parse(contextJson);");
        Console.WriteLine($"{"family",-50} {"C# p50 µs",10} {"C# p99 µs",10} {"Jint p50 µs",12} {"Jint p99 µs",12} {"ratio p50",10}");
        foreach (var file in Families)
        {
            var source = File.ReadAllText(Path.Combine(directory, file));
            var compiled = ChatTemplate.Parse(source);
            string? csharp;
            try
            {
                compiled.Render(context);
                csharp = null;
            }
            catch (TemplateRuntimeException e)
            {
                csharp = e.Message;
            }
            if (csharp is not null)
            {
                Console.WriteLine($"{file,-50} raises: {csharp}");
                continue;
            }
            var (p50, p99) = Time(iterations, () => compiled.Render(context));
            var line = $"{file,-50} {p50,10:F1} {p99,10:F1}";
            if (jint is not null)
            {
                jint.SetValue("source", source);
                jint.Execute("var template = new Template(source);");
                var render = jint.Evaluate("(function () { return template.render(context); })");
                var same = jint.Invoke(render).AsString() == compiled.Render(context) ? "" : "  (outputs differ)";
                var (j50, j99) = Time(Math.Max(50, iterations / 20), () => jint.Invoke(render));
                line += $" {j50,12:F1} {j99,12:F1} {j50 / p50,10:F1}{same}";
            }
            Console.WriteLine(line);
        }
    }

    private static (double P50, double P99) Time(int iterations, Action render)
    {
        for (var i = 0; i < Math.Min(200, iterations); i++)
        {
            render();
        }
        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            render();
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }
        Array.Sort(samples);
        return (samples[iterations / 2], samples[(int)(iterations * 0.99)]);
    }

    private static Engine CreateJint(string package)
    {
        var engine = new Engine(o => o.Strict(false));
        engine.Execute("var module = { exports: {} }; var exports = module.exports;");
        engine.Execute(File.ReadAllText(Path.Combine(package, "dist", "index.cjs")));
        engine.Execute("var Template = module.exports.Template;");
        return engine;
    }

    /// <summary>A system prompt, 19 turns with two tool calls and their results, ten tools offered.</summary>
    private static ChatTemplateContext Conversation()
    {
        var messages = new List<object> { new { role = "system", content = "You are a helpful assistant. Use the tools when they help." } };
        for (var i = 0; messages.Count < 20; i++)
        {
            messages.Add(new { role = "user", content = $"Question {i}: what is the weather in city {i}, and how does it compare with yesterday?" });
            if (i % 3 == 1 && messages.Count < 18)
            {
                var id = $"call{i:00000}";
                messages.Add(new { role = "assistant", content = "", tool_calls = new[] { new { id, type = "function", function = new { name = "tool_0", arguments = $"{{\"city\": \"City {i}\", \"days\": {i}}}" } } } });
                messages.Add(new { role = "tool", tool_call_id = id, name = "tool_0", content = $"{{\"temperature\": {10 + i}, \"sky\": \"clear\"}}" });
            }
            messages.Add(new { role = "assistant", content = $"In city {i} it is {10 + i} degrees and clear, two degrees warmer than yesterday." });
        }
        var tools = Enumerable.Range(0, 10).Select(t => new
        {
            type = "function",
            function = new
            {
                name = $"tool_{t}",
                description = $"Tool number {t}: looks up a fact about a city.",
                parameters = new
                {
                    type = "object",
                    properties = new Dictionary<string, object> { ["city"] = new { type = "string", description = "The city." }, ["days"] = new { type = "integer" } },
                    required = new[] { "city" },
                },
            },
        });
        var json = JsonSerializer.Serialize(new { messages = messages.Take(20), tools });
        using var document = JsonDocument.Parse(json);
        return new ChatTemplateContext
        {
            Messages = ChatTemplateInput.Messages(document.RootElement.GetProperty("messages")),
            Tools = ChatTemplateInput.Tools(document.RootElement),
            BosToken = "<s>",
            EosToken = "</s>",
        };
    }
}
