using System.Text.Json.Nodes;
using Gateway.State.Batches;

namespace Gateway.Host.Batches;

/// <summary>The <c>file</c> and <c>batch</c> objects as OpenAI's API writes them (and its SDKs read them).</summary>
internal static class BatchJson
{
    public static JsonObject File(StoredBatchFile file) => new()
    {
        ["id"] = file.Id,
        ["object"] = "file",
        ["bytes"] = file.Bytes,
        ["created_at"] = file.CreatedAt,
        ["filename"] = file.Filename,
        ["purpose"] = file.Purpose,
        ["status"] = "processed",
        ["status_details"] = null,
        ["expires_at"] = null,
    };

    public static JsonObject Batch(StoredBatch batch) => new()
    {
        ["id"] = batch.Id,
        ["object"] = "batch",
        ["endpoint"] = batch.Endpoint,
        ["errors"] = batch.Errors is { Count: > 0 } errors
            ? new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject
                {
                    ["code"] = e.Code,
                    ["message"] = e.Message,
                    ["param"] = e.Param,
                    ["line"] = e.Line,
                })]),
            }
            : null,
        ["input_file_id"] = batch.InputFileId,
        ["completion_window"] = batch.CompletionWindow,
        ["status"] = batch.Status,
        ["output_file_id"] = batch.OutputFileId,
        ["error_file_id"] = batch.ErrorFileId,
        ["created_at"] = batch.CreatedAt,
        ["in_progress_at"] = batch.InProgressAt,
        ["expires_at"] = batch.ExpiresAt,
        ["finalizing_at"] = batch.FinalizingAt,
        ["completed_at"] = batch.CompletedAt,
        ["failed_at"] = batch.FailedAt,
        ["expired_at"] = batch.ExpiredAt,
        ["cancelling_at"] = batch.CancellingAt,
        ["cancelled_at"] = batch.CancelledAt,
        ["request_counts"] = new JsonObject { ["total"] = batch.Total, ["completed"] = batch.Completed, ["failed"] = batch.Failed },
        ["metadata"] = batch.Metadata is { } metadata ? new JsonObject([.. metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))]) : null,
    };

    /// <summary>OpenAI's list envelope; <paramref name="hasMore"/> when a page stopped before the end.</summary>
    public static JsonObject List(IReadOnlyList<JsonObject> data, bool hasMore) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. data]),
        ["first_id"] = data.Count > 0 ? data[0]["id"]!.GetValue<string>() : null,
        ["last_id"] = data.Count > 0 ? data[^1]["id"]!.GetValue<string>() : null,
        ["has_more"] = hasMore,
    };
}
