using System.Net;
using System.Net.Http.Json;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Inference;

/// <summary>Batch lines (<c>x-gateway-priority: batch</c>) take a sequence only when no interactive request waits.</summary>
[Collection(LocalModelCollection.Name)]
public sealed class ModelServerPriorityTests(LocalModelFixture fixture)
{
    [Fact]
    public async Task Admit_InteractiveQueuedAfterBatchLine_TakesTheFreedSequenceFirst()
    {
        // "lane": one sequence, two queue places.
        var baseUri = await fixture.Pool.EnsureStartedAsync("lane");
        var before = await fixture.HealthAsync("lane");
        var holder = await Chat.OpenStreamAsync(fixture.Http, baseUri, Chat.Body("Hold the sequence", 16000, 1, new { stream = true, logit_bias = Chat.NoEnd }));
        var holderEvents = Chat.ReadEventsAsync(holder).GetAsyncEnumerator();
        // The role chunk comes at once; the first token only once the request holds the sequence.
        Assert.True(await holderEvents.MoveNextAsync());
        Assert.True(await holderEvents.MoveNextAsync());

        using var line = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "chat/completions"))
        {
            Content = JsonContent.Create(Chat.Body("A batch line", 8, 2, new { logit_bias = Chat.NoEnd })),
        };
        line.Headers.Add("x-gateway-priority", "batch");
        var lineAnswer = fixture.Http.SendAsync(line);
        await Poll.UntilAsync(async () => (await fixture.HealthAsync("lane")).GetProperty("background_queued").GetInt32() == 1,
            "the batch line was not queued");

        // Queued after the line; the line waits in front of it in time, behind it in priority.
        var interactive = Chat.OpenStreamAsync(fixture.Http, baseUri, Chat.Body("Interactive", 16000, 3, new { stream = true, logit_bias = Chat.NoEnd }));
        await Poll.UntilAsync(async () => (await fixture.HealthAsync("lane")).GetProperty("queued").GetInt32() == 2,
            "the interactive request was not queued");
        await holderEvents.DisposeAsync();
        holder.Dispose();

        using var stream = await interactive;
        var events = Chat.ReadEventsAsync(stream).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        Assert.True(await events.MoveNextAsync());
        // The interactive request decodes while the line still waits for the only sequence.
        var during = await fixture.HealthAsync("lane");
        await events.DisposeAsync();
        stream.Dispose();
        using var answer = await lineAnswer;
        var after = await fixture.HealthAsync("lane");

        Assert.Equal(1, during.GetProperty("background_queued").GetInt32());
        Assert.Equal(0, during.GetProperty("background_active").GetInt32());
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(before.GetProperty("background_admitted").GetInt64() + 1, after.GetProperty("background_admitted").GetInt64());
        await fixture.WaitForIdleAsync("lane");
    }

    [Fact]
    public async Task Admit_BatchLinesOnManySequences_LeaveOneSequenceFree()
    {
        // "tiny": four sequences; four long batch lines may hold three of them.
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        var lines = Enumerable.Range(0, 4).Select(i =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "chat/completions"))
            {
                Content = JsonContent.Create(Chat.Body($"Line {i}", 16000, i, new { stream = true, logit_bias = Chat.NoEnd })),
            };
            request.Headers.Add("x-gateway-priority", "batch");
            return fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }).ToList();
        await Poll.UntilAsync(async () =>
        {
            var h = await fixture.HealthAsync("tiny");
            return h.GetProperty("background_active").GetInt32() == 3 && h.GetProperty("background_queued").GetInt32() == 1;
        }, "three lines did not start with the fourth queued");

        using var interactive = await Chat.OpenStreamAsync(fixture.Http, baseUri, Chat.Body("Interactive", 16000, 9, new { stream = true, logit_bias = Chat.NoEnd }));
        var events = Chat.ReadEventsAsync(interactive).GetAsyncEnumerator();
        // Its first token (after the role chunk): it holds a sequence.
        Assert.True(await events.MoveNextAsync());
        Assert.True(await events.MoveNextAsync());
        var during = await fixture.HealthAsync("tiny");
        await events.DisposeAsync();
        foreach (var line in lines)
        {
            (await line).Dispose();
        }

        Assert.Equal(4, during.GetProperty("active").GetInt32());
        Assert.Equal(3, during.GetProperty("background_active").GetInt32());
        await fixture.WaitForIdleAsync("tiny");
    }
}
