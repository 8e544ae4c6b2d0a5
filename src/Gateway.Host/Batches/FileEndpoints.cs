using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.State.Batches;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Batches;

/// <summary>
/// OpenAI's Files API for batches: <c>POST /v1/files</c> (multipart, <c>purpose</c> <c>batch</c>), list, retrieve,
/// content and delete. Files belong to the key that uploaded them (a batch's output files to the batch's key): any
/// other key is told they do not exist (404), so ids reveal nothing. Authentication runs before the body is read.
/// </summary>
internal static class FileEndpoints
{
    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/files", UploadAsync).RequireAuthorization(GatewayPolicies.Key);
        endpoints.MapGet("/v1/files", ListAsync).RequireAuthorization(GatewayPolicies.Key);
        endpoints.MapGet("/v1/files/{id}", GetAsync).RequireAuthorization(GatewayPolicies.Key);
        endpoints.MapGet("/v1/files/{id}/content", ContentAsync).RequireAuthorization(GatewayPolicies.Key);
        endpoints.MapDelete("/v1/files/{id}", DeleteAsync).RequireAuthorization(GatewayPolicies.Key);
        return endpoints;
    }

    internal static string Owner(HttpContext context) => GatewayPolicies.KeyOf(context.User)!.Id;

    internal static GatewayError FileNotFound(string id) =>
        new(StatusCodes.Status404NotFound, $"No such File object: {id}", OpenAIErrorTypes.InvalidRequest, "id", "not_found");

    private static async Task UploadAsync(HttpContext context, IBatchStore store, IOptionsMonitor<BatchOptions> options, TimeProvider time)
    {
        var limit = options.CurrentValue.MaxFileBytes;
        // Room for the multipart framing and the purpose field around the file itself.
        var bodyLimit = limit + 64 * 1024;
        if (!context.Request.HasFormContentType)
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.BadRequest("Upload the file as multipart/form-data with the fields 'file' and 'purpose'.", "file"));
            return;
        }

        if (context.Request.ContentLength > bodyLimit)
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.BodyTooLarge(limit));
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = bodyLimit;
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = bodyLimit, ValueCountLimit = 16 }, context.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            await GatewayErrorWriter.WriteAsync(context, e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? GatewayError.BodyTooLarge(limit)
                : GatewayError.BadRequest("The multipart body could not be read.", "file"));
            return;
        }

        var purpose = form["purpose"].ToString();
        if (purpose != "batch")
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.BadRequest(
                $"'{Truncate(purpose)}' is not a supported purpose: this gateway stores files for the Batches API only ('batch').", "purpose"));
            return;
        }

        if (form.Files.GetFile("file") is not { } upload)
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.BadRequest("The multipart body has no 'file' part.", "file"));
            return;
        }

        if (upload.Length > limit)
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.BodyTooLarge(limit));
            return;
        }

        using var buffer = new MemoryStream((int)upload.Length);
        await upload.CopyToAsync(buffer, context.RequestAborted);
        var file = new StoredBatchFile(BatchIds.NewFile(), Owner(context), Truncate(Path.GetFileName(upload.FileName)), purpose, upload.Length,
            time.GetUtcNow().ToUnixTimeSeconds());
        await store.SaveFileAsync(file, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
        await context.Response.WriteAsJsonAsync(BatchJson.File(file), context.RequestAborted);
    }

    private static async Task ListAsync(HttpContext context, IBatchStore store)
    {
        var purpose = context.Request.Query["purpose"].ToString();
        var files = (await store.ListFilesAsync(Owner(context), context.RequestAborted))
            .Where(f => purpose.Length == 0 || f.Purpose == purpose)
            .OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id, StringComparer.Ordinal)
            .Select(BatchJson.File).ToList();
        await context.Response.WriteAsJsonAsync(BatchJson.List(files, hasMore: false), context.RequestAborted);
    }

    private static async Task GetAsync(HttpContext context, IBatchStore store, string id)
    {
        if (await OwnedAsync(context, store, id) is { } file)
        {
            await context.Response.WriteAsJsonAsync(BatchJson.File(file), context.RequestAborted);
        }
    }

    private static async Task ContentAsync(HttpContext context, IBatchStore store, string id)
    {
        if (await OwnedAsync(context, store, id) is not { } file)
        {
            return;
        }

        if (await store.ReadFileContentAsync(file.Id, context.RequestAborted) is not { } content)
        {
            await GatewayErrorWriter.WriteAsync(context, FileNotFound(id));
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        await context.Response.Body.WriteAsync(content, context.RequestAborted);
    }

    private static async Task DeleteAsync(HttpContext context, IBatchStore store, string id)
    {
        if (await OwnedAsync(context, store, id) is not { } file)
        {
            return;
        }

        await store.DeleteFileAsync(file.Id, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new { id = file.Id, @object = "file", deleted = true }, context.RequestAborted);
    }

    /// <summary>The caller's file, or null after answering 404 (for a file of another key too).</summary>
    private static async Task<StoredBatchFile?> OwnedAsync(HttpContext context, IBatchStore store, string id)
    {
        if (await store.GetFileAsync(id, context.RequestAborted) is { } file && file.Owner == Owner(context))
        {
            return file;
        }

        await GatewayErrorWriter.WriteAsync(context, FileNotFound(Truncate(id)));
        return null;
    }

    internal static string Truncate(string? value) => value is null ? "" : value.Length > 100 ? value[..100] : value;
}
