// OpenAI's SDK marks its batch client as evaluation-only; it is the client these tests prove the API against.
#pragma warning disable OPENAI001
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Batches;

public sealed class BatchesApiTests(BatchesFixture fixture) : IClassFixture<BatchesFixture>
{
    [Fact]
    public async Task Batch_OfficialSdk_EachCustomIdGetsTheAnswerItsRequestGets()
    {
        var client = BatchesFixture.Client(fixture.Gateway, BatchesFixture.AliceKey);
        string[] prompts = ["Once upon a time", "The capital of", "Hello there", "Numbers:"];
        var fileId = await BatchesFixture.UploadAsync(client, prompts.Select((p, i) => BatchesFixture.Line($"req-{i}", p)));

        var operation = await BatchesFixture.CreateAsync(client, fileId);
        var batch = await BatchesFixture.WaitAsync(operation);
        var output = await BatchesFixture.ReadLinesAsync(client, batch.GetProperty("output_file_id").GetString()!);

        Assert.Equal("completed", batch.GetProperty("status").GetString());
        Assert.Equal(4, batch.GetProperty("request_counts").GetProperty("total").GetInt32());
        Assert.Equal(4, batch.GetProperty("request_counts").GetProperty("completed").GetInt32());
        Assert.Equal(JsonValueKind.Null, batch.GetProperty("error_file_id").ValueKind);
        Assert.Equal("test", batch.GetProperty("metadata").GetProperty("purpose").GetString());
        using var http = BatchesFixture.Http(fixture.Gateway, BatchesFixture.AliceKey);
        for (var i = 0; i < prompts.Length; i++)
        {
            // The same request sent interactively (temperature 0, one seed) gives the answer the batch recorded for it.
            using var direct = await http.PostAsJsonAsync("/v1/chat/completions", BatchesFixture.ChatBody(prompts[i], 4));
            var expected = (await direct.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
            var line = Assert.Single(output, o => o.GetProperty("custom_id").GetString() == $"req-{i}");
            Assert.Equal(200, line.GetProperty("response").GetProperty("status_code").GetInt32());
            Assert.Equal(expected, line.GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }
    }

    [Fact]
    public async Task Batch_BadLines_ReportedWithTheirCustomIdWhileTheRestRun()
    {
        var client = BatchesFixture.Client(fixture.Gateway, BatchesFixture.AliceKey);
        string[] lines =
        [
            BatchesFixture.Line("good-1", "First"),
            "this is not json",
            BatchesFixture.Line("wrong-url", "x").Replace("/v1/chat/completions", "/v1/embeddings", StringComparison.Ordinal),
            BatchesFixture.Line("wrong-method", "x").Replace("\"POST\"", "\"GET\"", StringComparison.Ordinal),
            BatchesFixture.Line("unknown-model", "x", model: "no-such-model"),
            BatchesFixture.Line("good-2", "Second"),
        ];
        var fileId = await BatchesFixture.UploadAsync(client, lines);

        var batch = await BatchesFixture.WaitAsync(await BatchesFixture.CreateAsync(client, fileId));
        var output = await BatchesFixture.ReadLinesAsync(client, batch.GetProperty("output_file_id").GetString()!);
        var errors = await BatchesFixture.ReadLinesAsync(client, batch.GetProperty("error_file_id").GetString()!);
        using var http = BatchesFixture.Http(fixture.Gateway, BatchesFixture.AliceKey);
        using var direct = await http.PostAsJsonAsync("/v1/chat/completions", BatchesFixture.ChatBody("x", 4, "no-such-model"));
        var directError = (await direct.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString();

        Assert.Equal("completed", batch.GetProperty("status").GetString());
        Assert.Equal(2, batch.GetProperty("request_counts").GetProperty("completed").GetInt32());
        Assert.Equal(4, batch.GetProperty("request_counts").GetProperty("failed").GetInt32());
        Assert.Equal(["good-1", "good-2"], output.Select(o => o.GetProperty("custom_id").GetString()));
        Assert.Equal("invalid_json_line", errors[0].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("invalid_url", Error(errors, "wrong-url").GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("invalid_method", Error(errors, "wrong-method").GetProperty("error").GetProperty("code").GetString());
        var refused = Error(errors, "unknown-model").GetProperty("response");
        Assert.Equal((int)direct.StatusCode, refused.GetProperty("status_code").GetInt32());
        Assert.Equal(directError, refused.GetProperty("body").GetProperty("error").GetProperty("code").GetString());
    }

    private static JsonElement Error(List<JsonElement> errors, string customId) =>
        Assert.Single(errors, e => e.TryGetProperty("custom_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == customId);

    [Fact]
    public async Task Batch_AnotherKey_Gets404ForTheFileTheBatchAndItsOutput()
    {
        var alice = BatchesFixture.Client(fixture.Gateway, BatchesFixture.AliceKey);
        var fileId = await BatchesFixture.UploadAsync(alice, [BatchesFixture.Line("only", "Mine")]);
        var operation = await BatchesFixture.CreateAsync(alice, fileId);
        var batch = await BatchesFixture.WaitAsync(operation);
        var batchId = batch.GetProperty("id").GetString();
        var outputId = batch.GetProperty("output_file_id").GetString();
        using var bob = BatchesFixture.Http(fixture.Gateway, BatchesFixture.BobKey);

        string[] paths = [$"/v1/files/{fileId}", $"/v1/files/{fileId}/content", $"/v1/files/{outputId}/content", $"/v1/batches/{batchId}"];
        foreach (var path in paths)
        {
            using var response = await bob.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("not_found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        }

        using var cancel = await bob.PostAsync($"/v1/batches/{batchId}/cancel", null);
        using var delete = await bob.DeleteAsync($"/v1/files/{fileId}");
        var files = await bob.GetFromJsonAsync<JsonElement>("/v1/files");
        var batches = await bob.GetFromJsonAsync<JsonElement>("/v1/batches");
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.DoesNotContain(files.GetProperty("data").EnumerateArray(), f => f.GetProperty("id").GetString() == fileId);
        Assert.DoesNotContain(batches.GetProperty("data").EnumerateArray(), b => b.GetProperty("id").GetString() == batchId);
        // Still there for its owner.
        Assert.Equal("only", (await BatchesFixture.ReadLinesAsync(alice, outputId!))[0].GetProperty("custom_id").GetString());
    }

    [Fact]
    public async Task Cancel_RunningBatch_StopsLinesNotStartedAndEndsCancelled()
    {
        var client = BatchesFixture.Client(fixture.Gateway, BatchesFixture.AliceKey);
        var fileId = await BatchesFixture.UploadAsync(client, Enumerable.Range(0, 40).Select(i => BatchesFixture.Line($"c-{i}", $"Story {i}", maxTokens: 400)));
        var operation = await BatchesFixture.CreateAsync(client, fileId);
        await Poll.UntilAsync(async () =>
        {
            await operation.UpdateStatusAsync();
            return BatchesFixture.Json(operation.GetRawResponse()).GetProperty("status").GetString() == "in_progress";
        }, "the batch did not start", TimeSpan.FromMinutes(3));

        await operation.CancelAsync(null);
        var batch = await BatchesFixture.WaitAsync(operation);

        var counts = batch.GetProperty("request_counts");
        Assert.Equal("cancelled", batch.GetProperty("status").GetString());
        Assert.True(counts.GetProperty("completed").GetInt32() < 40, $"all lines ran: {counts}");
        Assert.NotEqual(JsonValueKind.Null, batch.GetProperty("cancelled_at").ValueKind);
    }

    [Fact]
    public async Task Files_OversizeUnknownAndWrongPurpose_AreOpenAIShapedErrors()
    {
        using var http = BatchesFixture.Http(fixture.Gateway, BatchesFixture.AliceKey);
        using var big = new MultipartFormDataContent
        {
            { new ByteArrayContent(new byte[BatchesFixture.MaxFileBytes * 3]), "file", "big.jsonl" },
            { new StringContent("batch"), "purpose" },
        };
        using var tooLarge = await http.PostAsync("/v1/files", big);
        using var wrong = new MultipartFormDataContent
        {
            { new ByteArrayContent("{}"u8.ToArray()), "file", "a.jsonl" },
            { new StringContent("fine-tune"), "purpose" },
        };
        using var wrongPurpose = await http.PostAsync("/v1/files", wrong);
        using var unknownBatch = await http.GetAsync("/v1/batches/batch_0123456789abcdef01234567");
        using var unknownFile = await http.PostAsJsonAsync("/v1/batches", new { input_file_id = "file-nothere", endpoint = "/v1/chat/completions", completion_window = "24h" });
        using var badEndpoint = await http.PostAsJsonAsync("/v1/batches", new { input_file_id = "file-nothere", endpoint = "/v1/images", completion_window = "24h" });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("request_too_large", await CodeAsync(tooLarge));
        Assert.Equal(HttpStatusCode.BadRequest, wrongPurpose.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownBatch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownFile.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badEndpoint.StatusCode);
        Assert.Equal("endpoint", (await badEndpoint.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Files_NoKey_RefusedBeforeTheBodyIsRead()
    {
        using var anonymous = fixture.Gateway.CreateClient(null);
        using var body = new MultipartFormDataContent { { new StringContent("batch"), "purpose" } };
        using var response = await anonymous.PostAsync("/v1/files", body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString();
}
