// OpenAI's SDK marks its batch client as evaluation-only; it is the client these tests prove the API against.
#pragma warning disable OPENAI001
using System.Text.Json;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Batches;

public sealed class BatchRestartTests(BatchesFixture fixture) : IClassFixture<BatchesFixture>
{
    [Fact]
    public async Task Restart_MidBatch_NewGatewayOnTheSameDirectoryFinishesEachLineOnce()
    {
        var state = Path.Combine(fixture.Directory, "restart-state");
        var first = await fixture.StartAsync(state, maxConcurrentLines: 1);
        string batchId;
        JsonElement stopped;
        try
        {
            var client = BatchesFixture.Client(first, BatchesFixture.AliceKey);
            var fileId = await BatchesFixture.UploadAsync(client, Enumerable.Range(0, 12).Select(i => BatchesFixture.Line($"r-{i}", $"Line {i}", maxTokens: 200)));
            var operation = await BatchesFixture.CreateAsync(client, fileId);
            batchId = BatchesFixture.Json(operation.GetRawResponse()).GetProperty("id").GetString()!;
            await Poll.UntilAsync(async () =>
            {
                await operation.UpdateStatusAsync();
                return BatchesFixture.Json(operation.GetRawResponse()).GetProperty("request_counts").GetProperty("completed").GetInt32() >= 2;
            }, "no line finished", TimeSpan.FromMinutes(3));
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = await fixture.StartAsync(state);
        try
        {
            var client = BatchesFixture.Client(second, BatchesFixture.AliceKey);
            stopped = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(state, "batches", batchId + ".json"))).RootElement.Clone();
            var operation = await OpenAI.Batch.CreateBatchOperation.RehydrateAsync(client.GetBatchClient(), batchId);
            var batch = await BatchesFixture.WaitAsync(operation);
            var output = await BatchesFixture.ReadLinesAsync(client, batch.GetProperty("output_file_id").GetString()!);

            Assert.True(stopped.GetProperty("completed").GetInt32() < 12, "the batch ended before the restart");
            Assert.Equal("completed", batch.GetProperty("status").GetString());
            Assert.Equal(12, batch.GetProperty("request_counts").GetProperty("completed").GetInt32());
            Assert.Equal(Enumerable.Range(0, 12).Select(i => $"r-{i}"), output.Select(o => o.GetProperty("custom_id").GetString()));
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
