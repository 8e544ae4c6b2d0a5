using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.IntegrationTests.Inference;

[Collection(LocalModelCollection.Name)]
public sealed class ModelServerBatchingTests(LocalModelFixture fixture)
{
    [Fact]
    public async Task Chat_FourConcurrentStreams_AreDecodedInTheSameBatches()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        var before = await fixture.HealthAsync("tiny");

        var streams = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Chat.OpenStreamAsync(fixture.Http, baseUri, Chat.Body($"Stream {i}", 16000, i, new { stream = true, logit_bias = Chat.NoEnd }))));
        // Wait for the first token of every stream: all four now hold a sequence at once.
        var readers = streams.Select(s => Chat.ReadEventsAsync(s).GetAsyncEnumerator()).ToList();
        foreach (var reader in readers)
        {
            Assert.True(await reader.MoveNextAsync());
            Assert.True(await reader.MoveNextAsync());
        }
        var during = await fixture.HealthAsync("tiny");
        foreach (var (reader, stream) in readers.Zip(streams))
        {
            await reader.DisposeAsync();
            stream.Dispose();
        }

        Assert.Equal(4, during.GetProperty("active").GetInt32());
        Assert.Equal(4, during.GetProperty("peak_batch_sequences").GetInt32());
        Assert.True(during.GetProperty("shared_steps").GetInt64() > before.GetProperty("shared_steps").GetInt64());
        await fixture.WaitForIdleAsync("tiny");
    }

    [Fact]
    public async Task Chat_FourConcurrentRequests_EachReportsSharedBatches()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
            return await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "chat/completions"), Chat.Body($"Request {i}", 400, i, new { logit_bias = Chat.NoEnd }));
        }));

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var peak = int.Parse(response.Headers.GetValues("x-gateway-batch-peak").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(peak >= 2, $"request decoded alone (peak {peak})");
            response.Dispose();
        }
    }

    [Fact]
    public async Task Chat_CancelledStream_FreesItsSequenceAtOnce()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("single");
        var cancelledBefore = (await fixture.HealthAsync("single")).GetProperty("cancelled_requests").GetInt64();
        var stream = await Chat.OpenStreamAsync(fixture.Http, baseUri, Chat.Body("Long story", 16000, 1, new { stream = true, logit_bias = Chat.NoEnd }));
        var reader = Chat.ReadEventsAsync(stream).GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());

        // One sequence and no queue: a second request is refused while the stream holds the sequence.
        using var refusedTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        HttpResponseMessage refusedResponse;
        try
        {
            refusedResponse = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "chat/completions"), Chat.Body("Me too", 4, 1), refusedTimeout.Token);
        }
        catch (OperationCanceledException)
        {
            string health;
            try
            {
                using var fresh = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                health = await fresh.GetStringAsync(new Uri(baseUri, "/health"));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                health = "health did not answer either: " + e.Message;
            }
            Assert.Fail($"no answer to the second request; health from a fresh client: {health}\npool log:\n{fixture.Log.Tail()}");
            throw;
        }
        using (var refused = refusedResponse)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter is not null);
            Assert.Equal("rate_limit_error", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
        }

        await reader.DisposeAsync();
        stream.Dispose();
        // The server learns of the disconnect a moment later; once it has counted the cancellation, the place is free.
        await fixture.WaitForIdleAsync("single", health => health.GetProperty("cancelled_requests").GetInt64() > cancelledBefore);
        using var next = await fixture.ChatAsync("single", Chat.Body("Now me", 4, 1));

        Assert.Equal("length", Chat.FinishReason(next));
    }

    /// <summary>
    /// Two identical requests (same prompt, same seed) write the same text. They start above a request that is then
    /// cancelled: with a KV cache per sequence the scheduler moves the higher one down into the freed id, cache and
    /// all, so a move that lost or mixed up its cache would change the rest of its text.
    /// </summary>
    [Fact]
    public async Task Chat_SequenceMovedIntoAFreedId_ContinuesItsOwnText()
    {
        var (texts, moved) = await TwinsAroundACancelledRequest("tiny");

        Assert.True(texts[0].Length > 200, $"short text: {texts[0].Length} characters");
        Assert.Equal(texts[0], texts[1]);
        Assert.True(moved);
    }

    /// <summary>With one shared cache the same requests run, and nothing moves.</summary>
    [Fact]
    public async Task Chat_SharedKvCache_NeverMovesASequence()
    {
        var (texts, moved) = await TwinsAroundACancelledRequest("sharedkv");

        Assert.True(texts[1].Length > 200, $"short text: {texts[1].Length} characters");
        Assert.False(moved);
    }

    private async Task<(string[] Texts, bool Moved)> TwinsAroundACancelledRequest(string model)
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync(model);
        await fixture.WaitForIdleAsync(model);
        var movesBefore = (await fixture.HealthAsync(model)).GetProperty("sequence_moves").GetInt64();
        var twin = Chat.Body("Twins", 1500, 7, new { model, stream = true, logit_bias = Chat.NoEnd });

        // Each holds its sequence (its first token is out) before the next opens, so the filler holds id 0 and the
        // second twin the highest id; once the filler is gone, a per-sequence cache moves that twin down to id 0.
        // The keeper decodes beside the twins to the end, so neither ever decodes alone: one sequence takes llama.cpp's
        // matrix-vector path, several its matrix-matrix path, and their sums differ in the last bits.
        await using var filler = await RunningStream.StartAsync(fixture.Http, baseUri, Chat.Body("Filler", 16000, 1, new { model, stream = true, logit_bias = Chat.NoEnd }));
        await using var keeper = await RunningStream.StartAsync(fixture.Http, baseUri, Chat.Body("Keeper", 16000, 2, new { model, stream = true, logit_bias = Chat.NoEnd }));
        await using var first = await RunningStream.StartAsync(fixture.Http, baseUri, twin);
        await using var second = await RunningStream.StartAsync(fixture.Http, baseUri, twin);
        await filler.DisposeAsync();

        var texts = await Task.WhenAll(first.ReadToEndAsync(), second.ReadToEndAsync());
        await keeper.DisposeAsync();
        var movesAfter = (await fixture.HealthAsync(model)).GetProperty("sequence_moves").GetInt64();
        await fixture.WaitForIdleAsync(model);
        return (texts, movesAfter > movesBefore);
    }

    [Fact]
    public async Task Chat_QuantisedKvCache_ServesAndReportsIt()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("q8kv");
        var health = await fixture.HealthAsync("q8kv");

        using var response = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "chat/completions"), Chat.Body("Quantised cache", 200, 3, new { model = "q8kv", logit_bias = Chat.NoEnd }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("length", Chat.FinishReason(json));
        Assert.Equal(200, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("q8_0", health.GetProperty("kv_cache_type").GetString());
        Assert.Equal("per_sequence", health.GetProperty("kv_cache").GetString());
    }

    [Fact]
    public async Task QuantisedKvCache_HeadsNotAMultipleOf32_FailsToLoadWithTheReasonInTheLog()
    {
        var error = await Assert.ThrowsAsync<Gateway.Inference.Pool.ModelUnavailableException>(() => fixture.Pool.EnsureStartedAsync("q8narrow"));

        Assert.Contains("could not load the model", error.Message, StringComparison.Ordinal);
        Assert.Contains(fixture.Log.Lines, l => l.Contains("q8narrow", StringComparison.Ordinal) && l.Contains("multiple of 32", StringComparison.Ordinal));
    }

    /// <summary>A streaming chat request whose first token has arrived, so it holds a sequence.</summary>
    private sealed class RunningStream(HttpResponseMessage response, IAsyncEnumerator<JsonElement> events, string firstText) : IAsyncDisposable
    {
        private bool _disposed;

        public static async Task<RunningStream> StartAsync(HttpClient http, Uri baseUri, object body)
        {
            var response = await Chat.OpenStreamAsync(http, baseUri, body);
            var events = Chat.ReadEventsAsync(response).GetAsyncEnumerator();
            // The role chunk may be written while the request still queues; a content chunk means it is decoding.
            while (await events.MoveNextAsync())
            {
                if (DeltaContent(events.Current) is { Length: > 0 } text)
                {
                    return new RunningStream(response, events, text);
                }
            }
            await events.DisposeAsync();
            response.Dispose();
            throw new InvalidOperationException("The stream ended before its first token.");
        }

        public async Task<string> ReadToEndAsync()
        {
            var text = new System.Text.StringBuilder(firstText);
            while (await events.MoveNextAsync())
            {
                text.Append(DeltaContent(events.Current));
            }
            return text.ToString();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                await events.DisposeAsync();
                response.Dispose();
            }
        }

        private static string? DeltaContent(JsonElement chunk) =>
            chunk.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                ? content.GetString()
                : null;
    }

    [Fact]
    public async Task Embeddings_WhileStreamsDecode_AnswerPromptly()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        var streams = await Task.WhenAll(Enumerable.Range(0, 2).Select(i =>
            Chat.OpenStreamAsync(fixture.Http, baseUri, Chat.Body($"Busy {i}", 16000, i, new { stream = true, logit_bias = Chat.NoEnd }))));

        using var embedding = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "embeddings"), new { input = "while busy" });
        // Still two decoding after the embedding's answer: it did not wait for the streams (16,000 tokens each).
        var busy = (await fixture.HealthAsync("tiny")).GetProperty("active").GetInt32();
        foreach (var stream in streams)
        {
            stream.Dispose();
        }

        Assert.Equal(HttpStatusCode.OK, embedding.StatusCode);
        Assert.Equal(2, busy);
        await fixture.WaitForIdleAsync("tiny");
    }
}
