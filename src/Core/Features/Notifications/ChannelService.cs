using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Notifications;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;
using Socme.Notify;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// Notification channels: a client's are managed by the staff who can see the client, the SOC's own (no client) by admins.
/// Secret fields are encrypted with Data Protection (keys in the database, shared by every replica) and never returned.
/// </summary>
internal sealed class ChannelService(SocmeDbContext db, TenantScope scope, AuditLog audit, TimeProvider time, ChannelSecrets secrets,
    INotifier notifier, IServiceProvider services)
{
    public const int MaxChannels = 1000;

    public static IReadOnlyList<ChannelKindDto> Kinds { get; } = ChannelCatalog.All.Select(d => new ChannelKindDto(d.Id, d.DisplayName,
        d.Fields.Select(f => new ChannelFieldDto(f.Name, f.Label, JsonNamingPolicy.SnakeCaseLower.ConvertName(f.Type.ToString()), f.Required,
            f.Secret, f.Default, f.Help, f.Choices)).ToList())).ToList();

    public async Task<IReadOnlyList<NotificationChannelDto>> ListAsync(Guid? clientId, CancellationToken ct)
    {
        RequireStaff();
        var q = db.NotificationChannels.AsNoTracking();
        if (clientId is { } c)
        {
            scope.EnsureCanSee(c, "Client");
            q = q.Where(x => x.ClientId == c || x.ClientId == null);
        }
        else if (!scope.AllClients)
        {
            var ids = scope.ClientIds.ToList();
            q = q.Where(x => x.ClientId == null || ids.Contains(x.ClientId.Value));
        }
        var rows = await q.OrderBy(x => x.Name).Take(MaxChannels).ToListAsync(ct);
        return rows.Select(ToDto).ToList();
    }

    public async Task<NotificationChannelDto> GetAsync(Guid id, CancellationToken ct) => ToDto(await FindAsync(id, ct, manage: false));

    public async Task<NotificationChannelDto> CreateAsync(CreateNotificationChannelRequest r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RequireStaff();
        RequireOwner(r.ClientId);
        if (!ChannelCatalog.TryParseKind(r.Kind, out var kind))
        {
            throw ApiException.Validation("kind", $"Unknown kind; use one of: {string.Join(", ", ChannelCatalog.All.Select(d => d.Id))}.");
        }
        if (r.AllowPrivateNetwork && !scope.IsAdmin)
        {
            throw ApiException.Forbidden("admin_required", "Only admins allow a channel to reach private, loopback or link-local addresses.");
        }
        var values = Clean(r.Settings);
        Validate(new ChannelConfig(kind, values));
        if (await db.NotificationChannels.CountAsync(ct) >= MaxChannels)
        {
            throw ApiException.Conflict("too_many_channels", $"At most {MaxChannels} channels.");
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var channel = new NotificationChannel
        {
            Id = Guid.CreateVersion7(),
            ClientId = r.ClientId,
            Name = ValidName(r.Name),
            Kind = ChannelCatalog.Get(kind).Id,
            SettingsJson = "{}",
            AllowPrivateNetwork = r.AllowPrivateNetwork,
            Enabled = r.Enabled,
            CreatedMs = now,
            UpdatedMs = now,
        };
        secrets.Store(channel, kind, values);
        db.NotificationChannels.Add(channel);
        audit.Add("notification_channel.create", channel.ClientId, channel.Id.ToString(), new { channel.Name, channel.Kind, channel.AllowPrivateNetwork });
        await db.SaveChangesAsync(ct);
        return ToDto(channel);
    }

    public async Task<NotificationChannelDto> UpdateAsync(Guid id, UpdateNotificationChannelRequest r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var channel = await FindAsync(id, ct);
        var kind = KindOf(channel);
        if (r.AllowPrivateNetwork is { } allow && allow != channel.AllowPrivateNetwork && !scope.IsAdmin)
        {
            throw ApiException.Forbidden("admin_required", "Only admins allow a channel to reach private, loopback or link-local addresses.");
        }
        var changed = new List<string>();
        if (r.Settings is not null)
        {
            var values = new Dictionary<string, string?>(secrets.Read(channel, kind), StringComparer.Ordinal);
            foreach (var (name, value) in r.Settings)
            {
                values[name] = string.IsNullOrEmpty(value) ? null : value;
                changed.Add(name);
            }
            var clean = Clean(values);
            Validate(new ChannelConfig(kind, clean));
            secrets.Store(channel, kind, clean);
        }
        if (r.Name is not null)
        {
            channel.Name = ValidName(r.Name);
        }
        channel.AllowPrivateNetwork = r.AllowPrivateNetwork ?? channel.AllowPrivateNetwork;
        channel.Enabled = r.Enabled ?? channel.Enabled;
        channel.UpdatedMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        // The audit names the fields changed, never their values (secrets among them).
        audit.Add("notification_channel.update", channel.ClientId, channel.Id.ToString(),
            new { channel.Name, fields = changed, channel.AllowPrivateNetwork, channel.Enabled });
        await db.SaveChangesAsync(ct);
        return ToDto(channel);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var channel = await FindAsync(id, ct);
        db.NotificationChannels.Remove(channel);
        audit.Add("notification_channel.delete", channel.ClientId, channel.Id.ToString(), new { channel.Name, channel.Kind });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Sends a sample alert through the channel now and answers what the channel said; logged as a test delivery.</summary>
    public async Task<NotifyResultDto> TestAsync(Guid id, CancellationToken ct)
    {
        var channel = await FindAsync(id, ct);
        var kind = KindOf(channel);
        var clientName = channel.ClientId is { } c
            ? await db.Clients.AsNoTracking().Where(x => x.Id == c).Select(x => x.Name).FirstAsync(ct)
            : "SOC";
        var client = new NotifyClient(channel.ClientId ?? Guid.Empty, clientName);
        var sample = new AlertView
        {
            ClientId = client.Id,
            Time = time.GetUtcNow(),
            Level = 10,
            RuleId = "5712",
            RuleDescription = "SOCme test notification: sshd brute force trying to get access to the system.",
            Agent = "test-agent",
            SrcIp = "203.0.113.10",
            Url = services.GetRequiredService<AlertLinks>().Console(),
        };
        var result = await notifier.SendAsync(secrets.Config(channel, kind), NotificationMessage.ForAlert(client, sample), ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var delivery = new NotificationDelivery
        {
            ClientId = channel.ClientId ?? Guid.Empty,
            ChannelId = channel.Id,
            Target = DeliveryTargets.Channel,
            DedupeKey = "test|" + Guid.NewGuid().ToString("N"),
            State = result.IsDelivered ? DeliveryState.Delivered : DeliveryState.Dead,
            Attempts = 1,
            NextAttemptMs = now,
            LastError = result.IsDelivered ? null : Truncate(result.ToString(), 1000),
            IsTest = true,
            CreatedMs = now,
            UpdatedMs = now,
            DeliveredMs = result.IsDelivered ? now : null,
        };
        db.NotificationDeliveries.Add(delivery);
        audit.Add("notification_channel.test", channel.ClientId, channel.Id.ToString(), new { outcome = result.Outcome.ToString() }, result.IsDelivered);
        await db.SaveChangesAsync(ct);
        return ToResultDto(result, delivery.Id);
    }

    internal static NotifyResultDto ToResultDto(NotifyResult r, long? deliveryId) => new(
        JsonNamingPolicy.SnakeCaseLower.ConvertName(r.Outcome.ToString()), r.Reason, r.RetryAfter?.TotalSeconds, deliveryId);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    private static Dictionary<string, string?> Clean(IReadOnlyDictionary<string, string?>? values)
    {
        var clean = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (k, v) in values ?? new Dictionary<string, string?>())
        {
            if (!string.IsNullOrEmpty(v))
            {
                clean[k] = v;
            }
        }
        return clean;
    }

    private static void Validate(ChannelConfig config)
    {
        var errors = ChannelCatalog.Validate(config);
        if (errors.Count > 0)
        {
            throw new ApiException(422, "validation_failed", "One or more fields are invalid.", errors
                .GroupBy(e => e.Field.Length == 0 ? "settings" : "settings." + e.Field)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        }
    }

    private static string ValidName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200)
        {
            throw ApiException.Validation("name", "The name must be 1 to 200 characters.");
        }
        return name.Trim();
    }

    internal static ChannelKind KindOf(NotificationChannel c) =>
        ChannelCatalog.TryParseKind(c.Kind, out var k) ? k : throw new InvalidOperationException($"Channel {c.Id} has an unknown kind '{c.Kind}'.");

    private async Task<NotificationChannel> FindAsync(Guid id, CancellationToken ct, bool manage = true)
    {
        RequireStaff();
        var channel = await db.NotificationChannels.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (channel is null || (channel.ClientId is { } c && !scope.CanSee(c)))
        {
            throw ApiException.NotFound("Notification channel");
        }
        if (manage)
        {
            // The SOC's channels are read by analysts (their rules may use them) but changed and tested by admins only.
            RequireOwner(channel.ClientId);
        }
        return channel;
    }

    private void RequireStaff() => NotificationAccess.RequireStaff(scope, "Notification channels");

    private void RequireOwner(Guid? clientId) => NotificationAccess.RequireManage(scope, clientId, "channels");

    private NotificationChannelDto ToDto(NotificationChannel c)
    {
        var kind = KindOf(c);
        var plain = JsonSerializer.Deserialize<Dictionary<string, string?>>(c.SettingsJson) ?? [];
        return new NotificationChannelDto(c.Id, c.ClientId, c.Name, c.Kind, plain, secrets.NamesSet(c, kind), c.AllowPrivateNetwork, c.Enabled,
            DateTimeOffset.FromUnixTimeMilliseconds(c.CreatedMs), DateTimeOffset.FromUnixTimeMilliseconds(c.UpdatedMs));
    }
}

/// <summary>Where a delivery goes.</summary>
internal static class DeliveryTargets
{
    public const string Channel = "channel";
    public const string TheHive = "thehive";
}

/// <summary>
/// A channel's settings split into plain JSON and secret fields protected by Data Protection (purpose
/// <see cref="Purpose"/>); the keys live in the database, so every replica can read what another wrote.
/// </summary>
internal sealed class ChannelSecrets(IDataProtectionProvider provider)
{
    public const string Purpose = "Socme.Notify.ChannelSecrets.v1";
    private readonly IDataProtector protector = provider.CreateProtector(Purpose);

    public void Store(NotificationChannel channel, ChannelKind kind, IReadOnlyDictionary<string, string?> values)
    {
        var secretNames = ChannelCatalog.SecretFields(kind);
        var plain = values.Where(v => !secretNames.Contains(v.Key)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        var secret = values.Where(v => secretNames.Contains(v.Key) && v.Value is not null).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        channel.SettingsJson = JsonSerializer.Serialize(plain);
        channel.ProtectedSecrets = secret.Count == 0 ? null : protector.Protect(JsonSerializer.Serialize(secret));
    }

    /// <summary>Every setting, secrets decrypted (for sending, never for display).</summary>
    public Dictionary<string, string?> Read(NotificationChannel channel, ChannelKind kind)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, string?>>(channel.SettingsJson) ?? [];
        foreach (var (k, v) in Secrets(channel))
        {
            values[k] = v;
        }
        return values;
    }

    public ChannelConfig Config(NotificationChannel channel, ChannelKind kind) =>
        new(kind, Read(channel, kind)) { AllowPrivateNetwork = channel.AllowPrivateNetwork };

    public IReadOnlyList<string> NamesSet(NotificationChannel channel, ChannelKind kind) =>
        Secrets(channel).Where(s => !string.IsNullOrEmpty(s.Value)).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();

    private Dictionary<string, string?> Secrets(NotificationChannel channel) =>
        channel.ProtectedSecrets is null
            ? []
            : JsonSerializer.Deserialize<Dictionary<string, string?>>(protector.Unprotect(channel.ProtectedSecrets)) ?? [];
}

/// <summary>Links to the console in messages (<see cref="NotificationOptions.PublicUrl"/>), or none when it is not set.</summary>
internal sealed class AlertLinks(Microsoft.Extensions.Options.IOptions<NotificationOptions> options)
{
    public Uri? Console() => options.Value.PublicUrl;

    public Uri? Alert(long id) => options.Value.PublicUrl is { } u
        ? new Uri(u, "alerts/" + id.ToString(CultureInfo.InvariantCulture))
        : null;
}
