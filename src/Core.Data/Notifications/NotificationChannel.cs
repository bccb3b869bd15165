namespace Socme.Core.Data.Notifications;

/// <summary>
/// A way to reach people: an SMTP mailbox, a webhook, a chat, an SMS/voice gateway. Non-secret settings are plain JSON;
/// the secret ones (passwords, tokens, webhook URLs that embed a token) are encrypted with ASP.NET Data Protection, whose
/// keys are in the database (several core replicas read the same secrets), and are never sent back in full.
/// </summary>
public sealed class NotificationChannel
{
    public Guid Id { get; set; }
    /// <summary>The client whose people the channel reaches, or null for a channel of the SOC itself (admins only).</summary>
    public Guid? ClientId { get; set; }
    public required string Name { get; set; }
    /// <summary>The Notify library's channel kind (smtp, webhook, slack, teams, discord, mattermost, telegram, ntfy, gotify, sms, voice).</summary>
    public required string Kind { get; set; }
    public required string SettingsJson { get; set; }
    /// <summary>The secret settings as JSON, protected by Data Protection (purpose "Socme.Notify.ChannelSecrets.v1").</summary>
    public string? ProtectedSecrets { get; set; }
    /// <summary>An admin allowed this channel's host although it resolves to a private, loopback or link-local address.</summary>
    public bool AllowPrivateNetwork { get; set; }
    public bool Enabled { get; set; } = true;
    public long CreatedMs { get; set; }
    public long UpdatedMs { get; set; }
}
