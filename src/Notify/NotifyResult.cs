namespace Socme.Notify;

/// <summary>What became of one send.</summary>
public enum NotifyOutcome
{
    /// <summary>The receiving service accepted the message.</summary>
    Delivered = 0,
    /// <summary>A transient failure (rate limit, 5xx, timeout, network error, SMTP 4xx): try again later.</summary>
    Retry = 1,
    /// <summary>Trying again will not help (bad configuration, 4xx, SMTP 5xx, refused destination).</summary>
    Permanent = 2,
}

/// <summary>
/// The result of one send: <see cref="NotifyOutcome.Delivered"/>, <see cref="NotifyOutcome.Retry"/> (with an optional
/// delay the service asked for) or <see cref="NotifyOutcome.Permanent"/>.
/// </summary>
/// <remarks>
/// <see cref="Reason"/> is short, meant for the delivery log, and never contains a secret: the library builds it from
/// status codes and service error texts, and the notifier masks every secret field value of the channel in it.
/// </remarks>
public sealed record NotifyResult
{
    private NotifyResult(NotifyOutcome outcome, string? reason, TimeSpan? retryAfter)
    {
        Outcome = outcome;
        Reason = reason;
        RetryAfter = retryAfter;
    }

    public NotifyOutcome Outcome { get; }

    /// <summary>Why it was not delivered (null when delivered).</summary>
    public string? Reason { get; }

    /// <summary>For <see cref="NotifyOutcome.Retry"/>: the delay the service asked for (Retry-After, Telegram's retry_after), if any.</summary>
    public TimeSpan? RetryAfter { get; }

    public bool IsDelivered => Outcome == NotifyOutcome.Delivered;

    public static NotifyResult Delivered { get; } = new(NotifyOutcome.Delivered, null, null);

    public static NotifyResult Retry(string reason, TimeSpan? retryAfter = null) =>
        new(NotifyOutcome.Retry, reason, retryAfter is { } d && d < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);

    public static NotifyResult Permanent(string reason) => new(NotifyOutcome.Permanent, reason, null);

    internal NotifyResult WithReason(string? reason) => new(Outcome, reason, RetryAfter);

    public override string ToString() => Outcome switch
    {
        NotifyOutcome.Delivered => "delivered",
        NotifyOutcome.Retry when RetryAfter is { } d => $"retry after {d.TotalSeconds:0.###}s: {Reason}",
        NotifyOutcome.Retry => $"retry: {Reason}",
        _ => $"permanent: {Reason}",
    };
}
