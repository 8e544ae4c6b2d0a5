using System.Buffers;
using System.Diagnostics;
using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.Host.Catalog;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// Per-request state shared by the front door's steps, the proxy transforms and error handling: set by
/// <see cref="RequestContextMiddleware"/> on every request, filled in by each step in turn (see <see cref="FrontDoorPipeline"/>).
/// </summary>
internal sealed class GatewayRequestFeature
{
    public GatewayRequestFeature(string requestId, long startTimestamp)
    {
        RequestId = requestId;
        StartTimestamp = startTimestamp;
    }

    public string RequestId { get; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when the request reached the gateway.</summary>
    public long StartTimestamp { get; }

    /// <summary>When the request was handed to the upstream (0 until then).</summary>
    public long SentTimestamp { get; set; }

    /// <summary>The caller's key, set by authentication.</summary>
    public VirtualKey? Key { get; set; }

    /// <summary>The gateway's own batch line (authenticated as such): local models admit it below interactive requests.</summary>
    public bool BatchLine { get; set; }

    /// <summary>The OpenAI operation of a proxied request (null for the gateway's own endpoints).</summary>
    public OpenAIOperation? Operation { get; set; }

    /// <summary>The body as the caller sent it, in a pooled buffer that <see cref="ReturnBody"/> gives back.</summary>
    public ReadOnlyMemory<byte> OriginalBody { get; private set; }

    /// <summary>The body without the gateway's own <c>route</c> property: what upstreams are sent (with <c>model</c> rewritten).</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>What the validator found in <see cref="Body"/>.</summary>
    public ParsedRequest Parsed { get; set; }

    /// <summary>The models to try, in order (the first that answers serves the request).</summary>
    public IReadOnlyList<CatalogModel>? Candidates { get; set; }

    /// <summary>Admission counted the request against its key's limits; it is settled once, when it ends.</summary>
    public bool Admitted { get; set; }

    /// <summary>What admission reserved for the request (null when the key has no limits).</summary>
    public Gateway.State.LimitReservation? Reservation { get; set; }

    public CatalogModel? Model { get; set; }

    /// <summary>The <c>Authorization</c> a local model's server requires (from its lease); null for a remote model.</summary>
    public string? LocalModelAuthorization { get; set; }

    public bool Stream { get; set; }

    /// <summary>The router chose the model (<c>model: "auto"</c> or a profile).</summary>
    public bool Routed { get; set; }

    /// <summary>Set when the upstream answered with an error that the gateway rewrites or falls back from.</summary>
    public GatewayError? UpstreamError { get; set; }

    /// <summary>The body to send upstream (the client's, with <c>model</c> rewritten for the current candidate).</summary>
    public ReadOnlyMemory<byte> UpstreamBody { get; set; }

    /// <summary>Whether another candidate model remains if this attempt fails before answering.</summary>
    public bool HasMoreCandidates { get; set; }

    /// <summary>When the upstream's response headers arrived (0 until then).</summary>
    public long FirstByteTimestamp { get; set; }

    /// <summary>When the last byte of the answer was read from the upstream (0 until then).</summary>
    public long CompletedTimestamp { get; set; }

    /// <summary>The upstream answered with a success status: what it sends from then on is the answer (and is charged).</summary>
    public bool UpstreamSucceeded { get; set; }

    /// <summary>Usage reported by the upstream, once seen.</summary>
    public Resilience.TokenUsage? Usage { get; set; }

    /// <summary>
    /// Completion tokens forwarded to the caller so far by the documented estimate (<see cref="UsageEstimate"/>),
    /// charged when the upstream's own usage never arrives (the caller hung up, the stream broke).
    /// </summary>
    public long ForwardedTokenEstimate { get; set; }

    /// <summary>The gateway asked the upstream for a usage chunk the client did not ask for; drop it.</summary>
    public bool StripUsageChunk { get; set; }

    /// <summary>Keep the answer's bytes (for the response cache).</summary>
    public bool CaptureBody { get; set; }

    /// <summary>The answer's bytes as sent to the client, when captured.</summary>
    public ReadOnlyMemory<byte>? CapturedBody { get; set; }

    /// <summary>Set when a stream broke after it started; the client got an error event.</summary>
    public string? StreamError { get; set; }

    /// <summary>Why the stream broke, for the log (its message may name internal addresses, so callers never see it).</summary>
    public Exception? StreamFailure { get; set; }

    private byte[]? _bodyBuffer;

    /// <summary>Takes ownership of a pooled body buffer.</summary>
    public void SetBody(byte[] buffer, int length)
    {
        _bodyBuffer = buffer;
        OriginalBody = Body = buffer.AsMemory(0, length);
    }

    /// <summary>Returns the pooled body buffer; the request's bodies must not be read afterwards.</summary>
    public void ReturnBody()
    {
        if (_bodyBuffer is { } buffer)
        {
            _bodyBuffer = null;
            OriginalBody = Body = default;
            UpstreamBody = default;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Resets per-attempt state before the next candidate is tried.</summary>
    public void ResetAttempt()
    {
        UpstreamError = null;
        SentTimestamp = 0;
        FirstByteTimestamp = 0;
        CompletedTimestamp = 0;
        Usage = null;
        UpstreamSucceeded = false;
        ForwardedTokenEstimate = 0;
        StreamError = null;
        StreamFailure = null;
        CapturedBody = null;
        LocalModelAuthorization = null;
        UpstreamTries = 0;
    }

    /// <summary>The request's span while tracing is on and samples it; null otherwise (no span was created).</summary>
    public Activity? Span { get; set; }

    /// <summary>The span of the current candidate's latest HTTP try while it is open (traced requests only).</summary>
    public Activity? TrySpan { get; set; }

    /// <summary>The current candidate's place in the candidate list, recorded on its spans.</summary>
    public int CandidateIndex { get; set; }

    /// <summary>HTTP tries of the current candidate so far (retries included), numbered on their spans.</summary>
    public int UpstreamTries { get; set; }

    /// <summary>Time before the upstream call that belongs to the upstream (starting a local model), in timestamp ticks.</summary>
    public long UpstreamStartTicks { get; set; }

    /// <summary>Milliseconds spent in the gateway itself before the upstream was called.</summary>
    public double OverheadMilliseconds(long now) =>
        Stopwatch.GetElapsedTime(StartTimestamp + UpstreamStartTicks, SentTimestamp == 0 ? now : SentTimestamp).TotalMilliseconds;
}
