using System.Buffers;
using System.Text.Json;
using Gateway.Errors;
using Gateway.Inference.Protocol;

namespace Gateway.Host.FrontDoor;

/// <summary>Reads a request body into a pooled buffer, enforcing the size limit as it reads and refusing text that is not UTF-8.</summary>
internal static class RequestBodyReader
{
    public static async ValueTask<BodyReadResult> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared > limit)
        {
            return new BodyReadResult(null, 0, GatewayError.BodyTooLarge(limit));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(declared is > 0 ? (int)declared.Value + 1 : 4096);
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit + 1, (long)buffer.Length * 2));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return new BodyReadResult(null, 0, GatewayError.BodyTooLarge(limit));
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        if (total == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return new BodyReadResult(null, 0, GatewayError.InvalidJson("the request body is empty."));
        }

        // Checked here, before anything reads the body: the validator does not decode the strings it skips, so such a
        // body would reach the upstream, fail there, and count against the model's circuit as the upstream's failure.
        if (JsonText.EncodingProblem(buffer.AsSpan(0, total)) is { } problem)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return new BodyReadResult(null, 0, GatewayError.InvalidJson(problem));
        }

        return new BodyReadResult(buffer, total, null);
    }

    /// <summary>Reads and parses a JSON body (the document holds its own copy of the bytes), or says what is wrong with it.</summary>
    public static async ValueTask<(JsonDocument? Document, GatewayError? Error)> ReadJsonAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var body = await ReadAsync(request, limit, cancellationToken);
        if (body.Error is not null)
        {
            return (null, body.Error);
        }

        try
        {
            return (JsonDocument.Parse(body.Buffer.AsSpan(0, body.Length).ToArray()), null);
        }
        catch (JsonException ex)
        {
            return (null, GatewayError.InvalidJson(ex.Message));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Buffer!);
        }
    }
}

/// <summary>A pooled body buffer (return it with <see cref="ArrayPool{T}.Shared"/>) or an error.</summary>
internal readonly record struct BodyReadResult(byte[]? Buffer, int Length, GatewayError? Error);
