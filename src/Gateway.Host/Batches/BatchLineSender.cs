using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Agents;
using Gateway.State.Batches;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Batches;

/// <summary>
/// Sends one batch line to the gateway's own front door over loopback, as the batch owner's key and marked a batch
/// line (<see cref="BatchLineAuthority"/>): limits, budget, routing, agents and metrics apply as to any request, and
/// local models admit it below interactive traffic. A 429 or 503 is tried again after its <c>Retry-After</c>.
/// </summary>
internal sealed class BatchLineSender(AgentEndpointAddress address, BatchLineAuthority authority, IOptionsMonitor<BatchOptions> options, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The output line for <paramref name="line"/> and whether the request succeeded (2xx).</summary>
    public async Task<BatchLineResult> SendAsync(StoredBatch batch, BatchInputLine line, CancellationToken cancellationToken)
    {
        if (line.Error is { } invalid)
        {
            return ErrorLine(line, invalid);
        }

        var requestId = BatchIds.NewRequest();

        var uri = new Uri(address.ApiBase() + batch.Endpoint["/v1".Length..]);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(line.Body!, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation(BatchLineAuthority.LineHeader, authority.Secret);
            request.Headers.TryAddWithoutValidation(BatchLineAuthority.KeyHashHeader, batch.OwnerKeyHash);
            request.Headers.TryAddWithoutValidation("x-request-id", requestId);
            using var response = await _http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable && attempt < options.CurrentValue.MaxLineAttempts)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(wait < MaxRetryWait ? wait : MaxRetryWait, time, cancellationToken);
                continue;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? body;
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                body = JsonValue.Create(text);
            }

            var succeeded = response.IsSuccessStatusCode;
            return new(line.Line, succeeded, new JsonObject
            {
                ["id"] = requestId,
                ["custom_id"] = line.CustomId,
                ["response"] = new JsonObject
                {
                    ["status_code"] = status,
                    ["request_id"] = response.Headers.TryGetValues("x-request-id", out var ids) ? ids.FirstOrDefault() : requestId,
                    ["body"] = body,
                },
                ["error"] = null,
            }.ToJsonString());
        }
    }

    /// <summary>The error file's line for a request that was not sent: <c>response</c> null, <c>error</c> saying why.</summary>
    public static BatchLineResult ErrorLine(BatchInputLine line, BatchLineError error) => new(line.Line, false, new JsonObject
    {
        ["id"] = BatchIds.NewRequest(),
        ["custom_id"] = line.CustomId,
        ["response"] = null,
        ["error"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message, ["line"] = line.Line },
    }.ToJsonString());

    public void Dispose() => _http.Dispose();
}
