using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Socme.Notify.Internal;
using Socme.Notify.Internal.Channels;

namespace Socme.Notify;

/// <summary>The <see cref="INotifier"/>: dispatches to the channel of each kind and turns failures into results.</summary>
internal sealed class Notifier : INotifier
{
    public const string HttpClientName = "Socme.Notify";

    private static readonly Dictionary<ChannelKind, IChannel> Channels = new()
    {
        [ChannelKind.Smtp] = new SmtpChannel(),
        [ChannelKind.Webhook] = new WebhookChannel(),
        [ChannelKind.Slack] = new SlackChannel(),
        [ChannelKind.Teams] = new TeamsChannel(),
        [ChannelKind.Discord] = new DiscordChannel(),
        [ChannelKind.Mattermost] = new MattermostChannel(),
        [ChannelKind.Telegram] = new TelegramChannel(),
        [ChannelKind.Ntfy] = new NtfyChannel(),
        [ChannelKind.Gotify] = new GotifyChannel(),
        [ChannelKind.Sms] = new GatewayChannel(voice: false),
        [ChannelKind.Voice] = new GatewayChannel(voice: true),
    };

    private readonly IHttpClientFactory _httpClients;
    private readonly NotifyOptions _options;
    private readonly OutboundPolicy _policy;
    private readonly CompiledPolicy _compiled;
    private readonly TimeProvider _time;
    private readonly ILogger<Notifier> _logger;

    public Notifier(IHttpClientFactory httpClients, IOptions<NotifyOptions> options, TimeProvider time, ILogger<Notifier> logger)
    {
        _httpClients = httpClients;
        _options = options.Value;
        _policy = _options.ToPolicy();
        _compiled = CompiledPolicy.From(_policy);
        _time = time;
        _logger = logger;
    }

    public async Task<NotifyResult> SendAsync(ChannelConfig channel, NotificationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        var settings = new Settings(channel);
        var result = await SendCoreAsync(settings, message, cancellationToken);
        result = result.WithReason(Redact(result.Reason, settings));
        if (result.IsDelivered)
        {
            _logger.LogInformation("Notification for client {ClientId} via {ChannelKind} delivered ({AlertCount} alerts)",
                message.Client.Id, channel.Kind, message.TotalCount);
        }
        else
        {
            _logger.LogWarning("Notification for client {ClientId} via {ChannelKind} not delivered: {Outcome} {Reason}",
                message.Client.Id, channel.Kind, result.Outcome, result.Reason);
        }
        return result;
    }

    private async Task<NotifyResult> SendCoreAsync(Settings settings, NotificationMessage message, CancellationToken ct)
    {
        var errors = ChannelCatalog.Validate(settings.Config);
        if (errors.Count > 0)
        {
            return NotifyResult.Permanent("invalid configuration: " + string.Join("; ", errors.Take(3)));
        }
        var client = _httpClients.CreateClient(HttpClientName);
        var context = new SendContext(new HttpDelivery(client, _policy, _time), _options, _policy, _compiled, _time);
        try
        {
            return await Channels[settings.Config.Kind].SendAsync(settings, message, context, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return Classify(ex);
        }
    }

    /// <summary>Maps a failure to a result: refused destination, template and TLS trust errors are permanent; the rest retries.</summary>
    internal static NotifyResult Classify(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case OutboundRefusedException refused:
                    return NotifyResult.Permanent(refused.Message);
                case InvalidTemplateException template:
                    return NotifyResult.Permanent("invalid template: " + template.Message);
                case AuthenticationException:
                    return NotifyResult.Permanent("TLS handshake failed: server certificate not trusted or no common protocol");
            }
        }
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case OperationCanceledException or TimeoutException:
                    return NotifyResult.Retry("timed out");
                case SocketException socket when socket.SocketErrorCode == SocketError.HostNotFound:
                    return NotifyResult.Retry("host name not found (DNS)");
                case SocketException socket:
                    return NotifyResult.Retry("connection failed: " + socket.SocketErrorCode);
            }
        }
        return ex switch
        {
            HttpRequestException http => NotifyResult.Retry("network error: " + http.HttpRequestError),
            IOException io => NotifyResult.Retry("network error: " + HttpDelivery.Short(io.Message, 120)),
            UriFormatException or FormatException or ArgumentException => NotifyResult.Permanent("invalid configuration: " + ex.GetType().Name),
            _ => NotifyResult.Retry("unexpected error: " + ex.GetType().Name),
        };
    }

    /// <summary>Every secret field value (and its URL-encoded form) becomes "***" in a reason.</summary>
    internal static string? Redact(string? reason, Settings settings)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return reason;
        }
        foreach (var secret in settings.SecretValues().OrderByDescending(s => s.Length))
        {
            if (secret.Length < 4)
            {
                continue;
            }
            reason = reason.Replace(secret, "***", StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(secret), "***", StringComparison.Ordinal);
        }
        return reason;
    }
}
