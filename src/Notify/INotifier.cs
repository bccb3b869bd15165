namespace Socme.Notify;

/// <summary>Sends one notification through one channel.</summary>
public interface INotifier
{
    /// <summary>
    /// Validates <paramref name="channel"/>, renders <paramref name="message"/> for its kind and sends it.
    /// Never throws for a failed delivery: the result says delivered, retry (with the delay asked for) or permanent.
    /// Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    Task<NotifyResult> SendAsync(ChannelConfig channel, NotificationMessage message, CancellationToken cancellationToken = default);
}
