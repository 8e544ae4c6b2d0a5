using System.Net.Http.Headers;
using Gateway.Errors;
using Gateway.Inference.Pool;
using Microsoft.AspNetCore.Http;

namespace Gateway.Inference.Admin;

/// <summary>
/// Asks a local model's server for the prompt a chat request renders to (its <c>POST /apply-template</c>), for
/// <c>POST /admin/models/{name}/apply-template</c>. The model is started if it is not running, as a request would.
/// </summary>
internal sealed class ModelTemplateClient : IDisposable
{
    /// <summary>The largest request body relayed, in bytes (4 MiB): a conversation, not a file upload.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<IResult> ApplyAsync(ModelPool pool, string model, HttpRequest request, CancellationToken cancellation)
    {
        var body = await ReadBodyAsync(request, cancellation);
        if (body is null)
        {
            return new ErrorResult(new GatewayError(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {MaxBodyBytes} bytes.", OpenAIErrorTypes.InvalidRequest, null, "request_too_large"));
        }
        using var lease = await pool.AcquireAsync(model, cancellation);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(lease.BaseUri, "/apply-template"))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        message.Headers.TryAddWithoutValidation("Authorization", lease.Authorization);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, cancellation);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return BadGateway();
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            // The model server answers with its own OpenAI-shaped bodies: the prompt, or the caller's 4xx.
            if (status is 200 or (>= 400 and < 500))
            {
                var text = await response.Content.ReadAsStringAsync(cancellation);
                return Results.Text(text, "application/json", statusCode: status);
            }
            return BadGateway();
        }
    }

    private static ErrorResult BadGateway() => new(new GatewayError(
        StatusCodes.Status502BadGateway, "The model server failed to render the chat template.", OpenAIErrorTypes.Server, null, "model_server_error"));

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public void Dispose() => _http.Dispose();
}
