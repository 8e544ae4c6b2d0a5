using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gateway.Bench.Soak;

/// <summary>Request bodies of the soak: ordinary ones and the hostile ones of each attack class.</summary>
internal static class Bodies
{
    public const string Remote = "remote";
    public const string Local = "tiny";
    public const string Agent = "agent:soak";

    private static readonly string[] Patterns =
    [
        "(a{0,1000}){0,10}", "((a{0,100}){0,100}){0,100}", "()*", "(a*)*", "x{1000000}", "(" + string.Join('|', Enumerable.Range(0, 5_000).Select(i => "w" + i.ToString(CultureInfo.InvariantCulture))) + ")",
        new string('(', 300) + "a" + new string(')', 300), "[", "a{5,3}",
    ];

    public static byte[] Chat(string model, string prompt, int maxTokens, bool stream = false, bool? includeUsage = true, string extra = "")
    {
        var body = new StringBuilder("{\"model\":").Append(Quote(model))
            .Append(",\"messages\":[{\"role\":\"user\",\"content\":").Append(Quote(prompt)).Append("}]")
            .Append(",\"max_tokens\":").Append(maxTokens.ToString(CultureInfo.InvariantCulture));
        if (stream)
        {
            body.Append(",\"stream\":true");
            if (includeUsage is { } usage)
            {
                body.Append(",\"stream_options\":{\"include_usage\":").Append(usage ? "true" : "false").Append('}');
            }
        }

        return Encoding.UTF8.GetBytes(body.Append(extra).Append('}').ToString());
    }

    public static byte[] Embeddings(string model, string input) =>
        Encoding.UTF8.GetBytes("{\"model\":" + Quote(model) + ",\"input\":" + Quote(input) + "}");

    /// <summary>A chat body to the local model whose <c>response_format</c> schema carries a hostile pattern.</summary>
    public static byte[] HostileSchema(int index) => Chat(Local, "Reply", 8, extra:
        ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":"
        + Quote(Patterns[index % Patterns.Length]) + "}},\"required\":[\"a\"]}}}");

    public static byte[] DuplicateStreamOptions() =>
        Chat(Remote, "Hello", 16, stream: true, includeUsage: true, extra: ",\"stream_options\":{\"include_usage\":false}");

    public static byte[] DeepNesting(int depth) =>
        Chat(Remote, "Hello", 8, extra: ",\"metadata\":{\"x\":" + new string('[', depth) + new string(']', depth) + "}");

    /// <summary>Far more client tools than any request may declare (128), to an agent.</summary>
    public static byte[] ManyTools(int count)
    {
        var tools = string.Join(',', Enumerable.Range(0, count).Select(i => "{\"type\":\"function\",\"function\":{\"name\":\"t" + i.ToString(CultureInfo.InvariantCulture) + "\"}}"));
        return Chat(Agent, "Use the tools.", 16, extra: ",\"tools\":[" + tools + "]");
    }

    public static byte[] Route(int promptBytes) =>
        Encoding.UTF8.GetBytes("{\"model\":\"auto\",\"prompt\":" + Quote("What is 7 plus 5? " + new string('x', promptBytes)) + ",\"pareto\":true}");

    public static byte[] McpCall(int id) => Encoding.UTF8.GetBytes(
        "{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(CultureInfo.InvariantCulture) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"calculator\",\"arguments\":{\"expression\":\"6 * 7\"}}}");

    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
