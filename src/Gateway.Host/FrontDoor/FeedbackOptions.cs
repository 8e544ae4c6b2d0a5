namespace Gateway.Host.FrontDoor;

/// <summary>Section <c>Gateway:Feedback</c>: what is remembered of requests so that feedback can score them.</summary>
public sealed class FeedbackOptions
{
    public const string SectionName = "Gateway:Feedback";

    /// <summary>Record answered requests for <c>POST /v1/feedback</c>. Default on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Which requests are recorded: <c>Routed</c> (default: those the router chose a model for, the
    /// ones feedback can teach it about) or <c>All</c> (explicit model requests too, at a cost per request).
    /// </summary>
    public FeedbackScope Record { get; set; } = FeedbackScope.Routed;

    /// <summary>Keep the prompt text (needed to retrain the router from feedback); otherwise only its hash. Default on.</summary>
    public bool StorePrompts { get; set; } = true;

    /// <summary>How long a request can still be scored. Default seven days; from one minute to 365 days.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Which requests the gateway remembers for feedback.</summary>
public enum FeedbackScope
{
    /// <summary>Requests with <c>model: "auto"</c> or a routing profile.</summary>
    Routed,

    /// <summary>Every answered chat or completion request.</summary>
    All,
}
