using Socme.Alerts;

namespace Socme.Notify;

/// <summary>The client (tenant) a message is for.</summary>
public sealed record NotifyClient(Guid Id, string Name);

/// <summary>
/// What a notification shows of one alert. The core maps its alert rows to this; every field except
/// <see cref="ClientId"/>, <see cref="Time"/> and <see cref="Level"/> is optional.
/// </summary>
public sealed record AlertView
{
    /// <summary>The client the alert belongs to; a <see cref="NotificationMessage"/> refuses alerts of another client.</summary>
    public required Guid ClientId { get; init; }
    public required DateTimeOffset Time { get; init; }
    /// <summary>Level 0–15; the band is derived from it (<see cref="Severity.BandOf"/>).</summary>
    public required int Level { get; init; }
    public SeverityBand Band => Severity.BandOf(Level);
    public AlertSource Source { get; init; } = AlertSource.Wazuh;
    public string? RuleId { get; init; }
    public string? RuleDescription { get; init; }
    public string? Agent { get; init; }
    public string? SrcIp { get; init; }
    public int? SrcPort { get; init; }
    public string? DstIp { get; init; }
    public int? DstPort { get; init; }
    public string? Signature { get; init; }
    /// <summary>MITRE ATT&amp;CK technique ids (T1110, T1078.004).</summary>
    public IReadOnlyList<string> Mitre { get; init; } = [];
    /// <summary>Absolute http(s) link to the alert in the console or portal.</summary>
    public Uri? Url { get; init; }

    /// <summary>The best one-line title: the rule description, else the signature, else the rule id.</summary>
    public string Title => FirstNonEmpty(RuleDescription, Signature, RuleId is null ? null : "rule " + RuleId) ?? "alert";

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}

/// <summary>
/// One notification for ONE client: a single alert, or a digest of several alerts (possibly "and N more").
/// </summary>
/// <remarks>
/// SOCme never puts two clients' alerts in one message: the factories throw <see cref="ArgumentException"/> when an
/// alert's <see cref="AlertView.ClientId"/> differs from the client's id. A message that exists is single-tenant.
/// </remarks>
public sealed class NotificationMessage
{
    private NotificationMessage(NotifyClient client, IReadOnlyList<AlertView> alerts, int totalCount)
    {
        Client = client;
        Alerts = alerts;
        TotalCount = totalCount;
    }

    public NotifyClient Client { get; }

    /// <summary>The alerts shown, most important first (the order the caller gave). Never empty.</summary>
    public IReadOnlyList<AlertView> Alerts { get; }

    /// <summary>How many alerts the message stands for (≥ <see cref="Alerts"/>.Count).</summary>
    public int TotalCount { get; }

    /// <summary>Alerts counted but not shown ("and M more").</summary>
    public int More => TotalCount - Alerts.Count;

    public bool IsDigest => TotalCount > 1;

    /// <summary>
    /// The sender's stable id of this delivery (the same on every retry), sent where the channel has a place for it
    /// (the signed webhook's <c>X-Socme-Delivery</c> header), so a receiver can drop a repeat. Null: none.
    /// </summary>
    public string? DeliveryId { get; private init; }

    /// <summary>The same message carrying <paramref name="deliveryId"/> (see <see cref="DeliveryId"/>).</summary>
    public NotificationMessage WithDeliveryId(string deliveryId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deliveryId);
        if (deliveryId.Length > 128 || deliveryId.Any(char.IsControl))
        {
            throw new ArgumentException("A delivery id is at most 128 characters, without control characters.", nameof(deliveryId));
        }
        return new NotificationMessage(Client, Alerts, TotalCount) { DeliveryId = deliveryId };
    }

    /// <summary>A message for one alert.</summary>
    public static NotificationMessage ForAlert(NotifyClient client, AlertView alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Digest(client, [alert]);
    }

    /// <summary>
    /// A digest: <paramref name="alerts"/> are shown (at most <paramref name="maxShown"/> of them), and the message says
    /// "and M more" for the rest of <paramref name="totalCount"/> (default: the number of alerts given).
    /// </summary>
    public static NotificationMessage Digest(NotifyClient client, IEnumerable<AlertView> alerts, int? totalCount = null, int maxShown = 10)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShown, 1);
        var all = alerts.ToList();
        if (all.Count == 0)
        {
            throw new ArgumentException("A notification needs at least one alert.", nameof(alerts));
        }
        foreach (var a in all)
        {
            ArgumentNullException.ThrowIfNull(a, nameof(alerts));
            if (a.ClientId != client.Id)
            {
                throw new ArgumentException(
                    $"An alert of client {a.ClientId} cannot be put in a message for client {client.Id}: one message carries one client's alerts.",
                    nameof(alerts));
            }
        }
        var total = totalCount ?? all.Count;
        if (total < all.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(totalCount), total, "The total count is lower than the number of alerts given.");
        }
        var shown = all.Count > maxShown ? all.GetRange(0, maxShown) : all;
        return new NotificationMessage(client, shown.AsReadOnly(), total);
    }
}
