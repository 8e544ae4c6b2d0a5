using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.TestUtilities;
using Gateway.TestUtilities.Inference;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// A gateway with local models on the tiny GGUF, each carrying a real model family's chat template (the catalog's
/// ChatTemplate override), served by real ModelServer processes.
/// </summary>
public sealed class ChatTemplateFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string> Templates = new()
    {
        ["qwen25"] = "Qwen-Qwen2.5-7B-Instruct.jinja",
        ["llama31"] = "meta-llama-Llama-3.1-8B-Instruct.jinja",
        ["nemo"] = "mistralai-Mistral-Nemo-Instruct-2407.jinja",
    };

    public const string AdminKey = "sk-chat-templates-admin";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("chat-templates-").FullName;
    public ListLoggerProvider Log { get; } = new();
    public GatewayTestHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var model = Path.Combine(Directory, "tiny.gguf");
        global::Gateway.Inference.Gguf.TinyModel.Write(model);
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Keys:ops:Hash"] = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(AdminKey))),
            ["Gateway:Keys:ops:Admin"] = "true",
        };
        foreach (var (name, file) in Templates)
        {
            settings[$"Gateway:Models:{name}:Path"] = model;
            settings[$"Gateway:Models:{name}:ContextSize"] = "4096";
            settings[$"Gateway:Models:{name}:ChatTemplate"] = ChatTemplateGoldens.Template(file);
        }
        Gateway = await LocalModelSafetyFixture.StartGatewayAsync(Log, settings, Directory);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class ChatTemplateTests(ChatTemplateFixture fixture) : IClassFixture<ChatTemplateFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task ApplyTemplate_RealFamilyTemplates_MatchTheReferenceRenderingsByteForByte()
    {
        using var admin = fixture.Gateway.CreateClient(ChatTemplateFixture.AdminKey);
        foreach (var (model, file) in ChatTemplateFixture.Templates)
        {
            // The server always asks for the assistant's turn, so the one conversation without it is left out.
            foreach (var (_, conversation) in ChatTemplateGoldens.Cases().Where(c => c.Template == file && c.Conversation != "no_generation_prompt"))
            {
                using var response = await admin.PostAsync($"/admin/models/{model}/apply-template", Json(ChatTemplateGoldens.RequestBody(conversation)));
                var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                var expected = ChatTemplateGoldens.Expected(file, conversation, out var error);

                if (expected is null)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{model}/{conversation}: {(int)response.StatusCode} {body}");
                    Assert.Equal(error, body.GetProperty("error").GetProperty("message").GetString());
                    continue;
                }
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{model}/{conversation}: {(int)response.StatusCode} {body}\n{fixture.Log.Tail()}");
                Assert.Equal(expected, body.GetProperty("prompt").GetString());
            }
        }
    }

    [Fact]
    public async Task Chat_TemplateRefusesTheConversation_400WithTheTemplatesMessage()
    {
        using var http = fixture.Gateway.CreateClient(LocalModelSafetyFixture.AliceKey);
        var body = ChatTemplateGoldens.RequestBody("parallel_calls").TrimEnd('}') + ",\"model\":\"llama31\",\"max_tokens\":4}";

        using var response = await http.PostAsync("/v1/chat/completions", Json(body));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("This model only supports single tool-calls at once!", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ApplyTemplate_NonAdminKey_IsRefused()
    {
        using var http = fixture.Gateway.CreateClient(LocalModelSafetyFixture.AliceKey);

        using var response = await http.PostAsync("/admin/models/qwen25/apply-template", Json(ChatTemplateGoldens.RequestBody("system")));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
