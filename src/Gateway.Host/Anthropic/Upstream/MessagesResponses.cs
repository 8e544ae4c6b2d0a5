using System.Net;
using System.Net.Http.Headers;
using Gateway.Host.Catalog;
using Gateway.Host.Resilience;
using Gateway.ServerSentEvents;

namespace Gateway.Host.Anthropic.Upstream;

/// <summary>
/// One HTTP try's answer from an Anthropic upstream, turned into what an OpenAI-compatible upstream would have
/// answered before anything else sees it: retries, the circuit breaker, fallback and metering then treat it like any
/// other upstream's. A success's body is translated as it is read (a stream event by event); an error's status is
/// mapped (<see cref="MessagesToChat.Status"/>) and its envelope rewritten in OpenAI's shape.
/// </summary>
internal static class MessagesResponses
{
    /// <summary>Most bytes of an error body read; Anthropic's are far smaller.</summary>
    private const int MaxErrorBytes = 64 * 1024;

    /// <summary>Most bytes of a whole (non-streamed) message read to translate it.</summary>
    private const int MaxMessageBytes = 64 * 1024 * 1024;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static async Task<HttpResponseMessage> TranslateAsync(Task<HttpResponseMessage> sending, CatalogModel model, TimeProvider time, CancellationToken cancellationToken)
    {
        var response = await sending;
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var content = response.Content;
        if (response.IsSuccessStatusCode)
        {
            var stream = string.Equals(content.Headers.ContentType?.MediaType, SseFraming.ContentType, StringComparison.OrdinalIgnoreCase);
            response.Content = new TranslatedContent(content, stream, model, created);
            return response;
        }

        var body = await ReadBoundedAsync(content, MaxErrorBytes, cancellationToken);
        var status = MessagesToChat.Status((int)response.StatusCode);
        var error = MessagesToChat.Error(status, body);
        response.StatusCode = (HttpStatusCode)status;
        response.Content = new ByteArrayContent(Errors.GatewayErrorWriter.Serialize(error));
        response.Content.Headers.ContentType = Json;
        content.Dispose();
        return response;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[Math.Min(limit, 16 * 1024)];
            var length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length == buffer.Length)
                {
                    if (buffer.Length >= limit)
                    {
                        break;
                    }

                    Array.Resize(ref buffer, Math.Min(limit, buffer.Length * 2));
                }
            }

            return buffer[..length];
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return [];
        }
    }

    /// <summary>A success's body, translated when it is read (so the first-byte timeout covers the headers only).</summary>
    private sealed class TranslatedContent : ReadThroughContent
    {
        private readonly bool _stream;
        private readonly CatalogModel _model;
        private readonly long _created;

        public TranslatedContent(HttpContent inner, bool stream, CatalogModel model, long created)
            : base(inner)
        {
            _stream = stream;
            _model = model;
            _created = created;
            Headers.ContentType = stream ? new MediaTypeHeaderValue(SseFraming.ContentType) : Json;
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
        {
            if (_stream)
            {
                return new MessagesChunkStream(await Inner.ReadAsStreamAsync(cancellationToken), _model.MaxEventBytes, _created, _model.Name);
            }

            var body = await ReadBoundedAsync(Inner, MaxMessageBytes, cancellationToken);
            var completion = MessagesToChat.Completion(body, _created)
                ?? throw new InvalidDataException($"the answer of the upstream for model '{_model.Name}' was not a Messages API message");
            return new MemoryStream(completion, writable: false);
        }
    }
}
