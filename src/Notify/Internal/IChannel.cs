namespace Socme.Notify.Internal;

/// <summary>Everything a channel needs to send: the guarded HTTP sender, the options, the clock.</summary>
internal sealed record SendContext(HttpDelivery Http, NotifyOptions Options, OutboundPolicy Policy, CompiledPolicy CompiledPolicy, TimeProvider Time);

/// <summary>One channel kind's sender. Exceptions (network, timeout, refused destination) are classified by the notifier.</summary>
internal interface IChannel
{
    Task<NotifyResult> SendAsync(Settings settings, NotificationMessage message, SendContext context, CancellationToken ct);
}
