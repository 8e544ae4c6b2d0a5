using System.Text.Json;
using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.State.Batches;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Batches;

/// <summary>
/// OpenAI's Batches API: <c>POST /v1/batches</c>, <c>GET /v1/batches/{id}</c>, <c>GET /v1/batches</c> (<c>after</c>,
/// <c>limit</c>) and <c>POST /v1/batches/{id}/cancel</c>. A batch belongs to the key that created it; another key gets 404.
/// </summary>
internal static class BatchEndpoints
{
    /// <summary>The endpoints a batch may target: the front door's own operations.</summary>
    public static readonly string[] Endpoints = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"];

    private const int MaxMetadata = 16;

    public static IEndpointRouteBuilder MapBatchEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/batches", CreateAsync).RequireAuthorization(GatewayPolicies.Key);
        endpoints.MapGet("/v1/batches", ListAsync).RequireAuthorization(GatewayPolicies.Key);
        endpoints.MapGet("/v1/batches/{id}", GetAsync).RequireAuthorization(GatewayPolicies.Key);
        endpoints.MapPost("/v1/batches/{id}/cancel", CancelAsync).RequireAuthorization(GatewayPolicies.Key);
        return endpoints;
    }

    private static async Task CreateAsync(HttpContext context, IBatchStore store, BatchRunner runner, KeyStore keys,
        IOptionsMonitor<GatewayOptions> gateway, IOptionsMonitor<BatchOptions> options, TimeProvider time)
    {
        var (document, readError) = await RequestBodyReader.ReadJsonAsync(context.Request, gateway.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (readError is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, readError);
            return;
        }

        using (document)
        {
            if (Validate(document!.RootElement, out var request) is { } invalid)
            {
                await GatewayErrorWriter.WriteAsync(context, invalid);
                return;
            }

            var owner = FileEndpoints.Owner(context);
            if (await store.GetFileAsync(request.InputFileId, context.RequestAborted) is not { } file || file.Owner != owner
                || await store.ReadFileContentAsync(file.Id, context.RequestAborted) is not { } content)
            {
                await GatewayErrorWriter.WriteAsync(context, FileEndpoints.FileNotFound(FileEndpoints.Truncate(request.InputFileId)) with { Param = "input_file_id" });
                return;
            }

            if (file.Purpose != "batch")
            {
                await GatewayErrorWriter.WriteAsync(context, GatewayError.BadRequest($"The file {file.Id} has purpose '{file.Purpose}'; a batch's input needs purpose 'batch'.", "input_file_id"));
                return;
            }

            var lines = BatchInput.Count(content);
            if (lines == 0 || lines > options.CurrentValue.MaxLines)
            {
                await GatewayErrorWriter.WriteAsync(context, GatewayError.BadRequest(lines == 0
                    ? $"The file {file.Id} holds no request lines."
                    : $"The file {file.Id} holds {lines} request lines; a batch takes at most {options.CurrentValue.MaxLines}.", "input_file_id"));
                return;
            }

            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var batch = new StoredBatch
            {
                Id = BatchIds.NewBatch(),
                Owner = owner,
                OwnerKeyHash = KeyStore.PresentedHash(context.Request)!,
                Endpoint = request.Endpoint,
                InputFileId = file.Id,
                Status = BatchStatuses.Validating,
                CreatedAt = now,
                ExpiresAt = now + (long)TimeSpan.FromHours(24).TotalSeconds,
                Total = lines,
                Metadata = request.Metadata,
            };
            await store.SaveBatchAsync(batch, context.RequestAborted);
            runner.Enqueue(batch.Id);
            await context.Response.WriteAsJsonAsync(BatchJson.Batch(batch), context.RequestAborted);
        }
    }

    private sealed record CreateRequest(string InputFileId, string Endpoint, IReadOnlyDictionary<string, string>? Metadata);

    private static GatewayError? Validate(JsonElement root, out CreateRequest request)
    {
        request = null!;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return GatewayError.BadRequest("The body must be a JSON object.");
        }

        if (!root.TryGetProperty("input_file_id", out var input) || input.ValueKind != JsonValueKind.String || input.GetString() is not { Length: > 0 } inputId)
        {
            return GatewayError.BadRequest("'input_file_id' is required: the id of a file uploaded with purpose 'batch'.", "input_file_id");
        }

        var endpoint = root.TryGetProperty("endpoint", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : null;
        if (endpoint is null || !Endpoints.Contains(endpoint, StringComparer.Ordinal))
        {
            return GatewayError.BadRequest($"'endpoint' must be one of {string.Join(", ", Endpoints)}.", "endpoint");
        }

        if (!root.TryGetProperty("completion_window", out var window) || window.ValueKind != JsonValueKind.String || window.GetString() != "24h")
        {
            return GatewayError.BadRequest("'completion_window' must be \"24h\".", "completion_window");
        }

        Dictionary<string, string>? metadata = null;
        if (root.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.Object || m.EnumerateObject().Count() > MaxMetadata
                || m.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String || p.Name.Length > 64 || p.Value.GetString()!.Length > 512))
            {
                return GatewayError.BadRequest($"'metadata' must be an object of at most {MaxMetadata} string values (keys up to 64 characters, values up to 512).", "metadata");
            }

            metadata = m.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        }

        request = new CreateRequest(inputId, endpoint, metadata);
        return null;
    }

    private static async Task GetAsync(HttpContext context, IBatchStore store, string id)
    {
        if (await OwnedAsync(context, store, id) is { } batch)
        {
            await context.Response.WriteAsJsonAsync(BatchJson.Batch(batch), context.RequestAborted);
        }
    }

    private static async Task ListAsync(HttpContext context, IBatchStore store)
    {
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], out var l) ? l : 20;
        if (limit is < 1 or > 100)
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.BadRequest("'limit' must be between 1 and 100.", "limit"));
            return;
        }

        var all = (await store.ListBatchesAsync(FileEndpoints.Owner(context), context.RequestAborted))
            .OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id, StringComparer.Ordinal).ToList();
        var after = query["after"].ToString();
        var start = after.Length == 0 ? 0 : all.FindIndex(b => b.Id == after) + 1;
        var page = all.Skip(start).Take(limit).Select(BatchJson.Batch).ToList();
        await context.Response.WriteAsJsonAsync(BatchJson.List(page, start + page.Count < all.Count), context.RequestAborted);
    }

    private static async Task CancelAsync(HttpContext context, IBatchStore store, BatchRunner runner, string id)
    {
        if (await OwnedAsync(context, store, id) is not { } batch)
        {
            return;
        }

        if (batch.Status is BatchStatuses.Completed or BatchStatuses.Failed or BatchStatuses.Expired or BatchStatuses.Finalizing)
        {
            await GatewayErrorWriter.WriteAsync(context, new GatewayError(StatusCodes.Status409Conflict,
                $"Cannot cancel a batch with status '{batch.Status}'.", OpenAIErrorTypes.InvalidRequest, null, "batch_not_cancellable"));
            return;
        }

        batch = await runner.CancelAsync(batch, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(BatchJson.Batch(batch), context.RequestAborted);
    }

    private static async Task<StoredBatch?> OwnedAsync(HttpContext context, IBatchStore store, string id)
    {
        if (await store.GetBatchAsync(id, context.RequestAborted) is { } batch && batch.Owner == FileEndpoints.Owner(context))
        {
            return batch;
        }

        await GatewayErrorWriter.WriteAsync(context, new GatewayError(StatusCodes.Status404NotFound,
            $"No such Batch object: {FileEndpoints.Truncate(id)}", OpenAIErrorTypes.InvalidRequest, "id", "not_found"));
        return null;
    }
}
