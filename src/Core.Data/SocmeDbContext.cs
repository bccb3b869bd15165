using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Socme.Core.Data.Alerts;
using Socme.Core.Data.Audit;
using Socme.Core.Data.Fleet;
using Socme.Core.Data.Identity;
using Socme.Core.Data.Notifications;
using Socme.Core.Data.Security;
using Socme.Core.Data.Tenancy;

namespace Socme.Core.Data;

/// <summary>The core's one DbContext, for SQLite and PostgreSQL alike.</summary>
/// <remarks>
/// Tables and columns are snake_case on both providers so that the few hand-written SQL statements
/// (bulk ingest) read the same everywhere. Every tenant-owned table has a <c>client_id</c> column.
/// </remarks>
public sealed class SocmeDbContext(DbContextOptions<SocmeDbContext> options)
    : IdentityUserContext<User, Guid>(options)
{
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<Node> Nodes => Set<Node>();
    public DbSet<NodeHeartbeat> NodeHeartbeats => Set<NodeHeartbeat>();
    public DbSet<AlertRecord> Alerts => Set<AlertRecord>();
    public DbSet<AlertComment> AlertComments => Set<AlertComment>();
    public DbSet<AlertHistoryEntry> AlertHistory => Set<AlertHistoryEntry>();
    public DbSet<UserClientScope> UserClientScopes => Set<UserClientScope>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ScreenToken> ScreenTokens => Set<ScreenToken>();
    public DbSet<ClientContact> ClientContacts => Set<ClientContact>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<DataProtectionKeyRecord> DataProtectionKeys => Set<DataProtectionKeyRecord>();
    public DbSet<NotificationRule> NotificationRules => Set<NotificationRule>();
    public DbSet<NotificationChannel> NotificationChannels => Set<NotificationChannel>();
    public DbSet<NotificationIntent> NotificationIntents => Set<NotificationIntent>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);

        builder.Entity<User>(e =>
        {
            e.ToTable("users");
            e.Property(u => u.Role).HasConversion<string>().HasMaxLength(16);
            e.Property(u => u.DisplayName).HasMaxLength(200);
            e.HasMany(u => u.ClientScopes).WithOne().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Client>().WithMany().HasForeignKey(u => u.ClientId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");

        builder.Entity<UserClientScope>(e =>
        {
            e.ToTable("user_client_scopes");
            e.HasKey(s => new { s.UserId, s.ClientId });
            e.HasOne<Client>().WithMany().HasForeignKey(s => s.ClientId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ApiToken>(e =>
        {
            e.ToTable("api_tokens");
            e.Property(t => t.Name).HasMaxLength(100);
            e.Property(t => t.Hash).HasMaxLength(64);
            e.Property(t => t.Prefix).HasMaxLength(24);
            e.HasIndex(t => t.Hash).IsUnique();
            e.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ScreenToken>(e =>
        {
            e.ToTable("screen_tokens");
            e.Property(t => t.Name).HasMaxLength(100);
            e.Property(t => t.Hash).HasMaxLength(64);
            e.Property(t => t.Prefix).HasMaxLength(24);
            e.HasIndex(t => t.Hash).IsUnique();
            e.HasOne<Client>().WithMany().HasForeignKey(t => t.ClientId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ClientContact>(e =>
        {
            e.ToTable("client_contacts");
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Role).HasMaxLength(100);
            e.Property(c => c.Email).HasMaxLength(256);
            e.Property(c => c.Phone).HasMaxLength(32);
            e.Property(c => c.Notes).HasMaxLength(2000);
            e.HasIndex(c => c.ClientId);
            e.HasOne<Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Client>(e =>
        {
            e.ToTable("clients");
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Slug).HasMaxLength(64);
            e.Property(c => c.Description).HasMaxLength(2000);
            e.HasIndex(c => c.Slug).IsUnique();
        });

        builder.Entity<Node>(e =>
        {
            e.ToTable("nodes");
            e.Property(n => n.Name).HasMaxLength(200);
            e.Property(n => n.Hostname).HasMaxLength(255);
            e.Property(n => n.EnrollmentCodeHash).HasMaxLength(64);
            e.Property(n => n.TokenHash).HasMaxLength(64);
            e.Property(n => n.AgentVersion).HasMaxLength(64);
            e.HasIndex(n => n.TokenHash).IsUnique();
            e.HasIndex(n => n.EnrollmentCodeHash).IsUnique();
            e.HasIndex(n => new { n.ClientId, n.Name }).IsUnique();
            e.HasOne<Client>().WithMany().HasForeignKey(n => n.ClientId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<NodeHeartbeat>(e =>
        {
            e.ToTable("node_heartbeats");
            e.HasIndex(h => new { h.NodeId, h.ReceivedAt });
            e.HasIndex(h => h.ReceivedAt);
            e.HasOne<Node>().WithMany().HasForeignKey(h => h.NodeId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AlertRecord>(e =>
        {
            e.ToTable("alerts");
            e.Property(a => a.Key).HasMaxLength(128);
            e.Property(a => a.RuleId).HasMaxLength(64);
            e.Property(a => a.Protocol).HasMaxLength(32);
            e.Property(a => a.SrcIp).HasMaxLength(64);
            e.Property(a => a.DstIp).HasMaxLength(64);
            e.Property(a => a.AgentIp).HasMaxLength(64);
            e.Property(a => a.VerdictReason).HasMaxLength(2000);
            e.Property(a => a.TheHiveId).HasMaxLength(64);
            e.Property(a => a.TheHiveUrl).HasMaxLength(512);
            // Idempotent ingest: (node, source, key) is unique; a duplicate is an ack, never an error.
            e.HasIndex(a => new { a.NodeId, a.Source, a.Key }).IsUnique();
            // Keyset pagination newest first, overall and per client. The columns after the id make them covering for
            // the grouped inbox and the overview (group key, level, status): a range of time is aggregated from the
            // index alone, without reading the rows (docs/performance.md, "inbox").
            e.HasIndex(a => new { a.TimeMs, a.Id, a.ClientId, a.Source, a.RuleId, a.SrcIp, a.DstIp, a.Level, a.Status })
                .HasDatabaseName("ix_alerts_time_covering");
            e.HasIndex(a => new { a.ClientId, a.TimeMs, a.Id, a.Source, a.RuleId, a.SrcIp, a.DstIp, a.Level, a.Status })
                .HasDatabaseName("ix_alerts_client_time_covering");
            e.HasIndex(a => new { a.ClientId, a.Status, a.TimeMs });
            e.HasIndex(a => new { a.RuleId, a.TimeMs });
            e.HasOne<Client>().WithMany().HasForeignKey(a => a.ClientId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Node>().WithMany().HasForeignKey(a => a.NodeId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<AlertComment>(e =>
        {
            e.ToTable("alert_comments");
            e.Property(c => c.Author).HasMaxLength(256);
            e.Property(c => c.Body).HasMaxLength(10_000);
            e.HasIndex(c => c.AlertId);
            e.HasOne<AlertRecord>().WithMany().HasForeignKey(c => c.AlertId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AlertHistoryEntry>(e =>
        {
            e.ToTable("alert_history");
            e.Property(h => h.Actor).HasMaxLength(256);
            e.Property(h => h.Field).HasMaxLength(32);
            e.HasIndex(h => h.AlertId);
            e.HasOne<AlertRecord>().WithMany().HasForeignKey(h => h.AlertId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.Property(a => a.Actor).HasMaxLength(256);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Target).HasMaxLength(256);
            e.Property(a => a.RemoteIp).HasMaxLength(64);
            e.HasIndex(a => a.At);
            e.HasIndex(a => new { a.ClientId, a.At });
        });

        builder.Entity<DataProtectionKeyRecord>().ToTable("data_protection_keys");

        builder.Entity<NotificationRule>(e =>
        {
            e.ToTable("notification_rules");
            e.Property(r => r.Name).HasMaxLength(200);
            e.Property(r => r.Preset).HasMaxLength(64);
            e.HasIndex(r => new { r.ClientId, r.Position });
            e.HasOne<Client>().WithMany().HasForeignKey(r => r.ClientId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<NotificationChannel>(e =>
        {
            e.ToTable("notification_channels");
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Kind).HasMaxLength(32);
            e.HasIndex(c => c.ClientId);
            e.HasOne<Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<NotificationIntent>(e =>
        {
            e.ToTable("notification_intents");
            // One intent per (rule, alert): the outbox never holds the same notification twice.
            e.HasIndex(i => new { i.RuleId, i.AlertId }).IsUnique();
            // The dispatcher's claim: pending intents, oldest first.
            e.HasIndex(i => new { i.ProcessedMs, i.Id });
            e.HasIndex(i => i.AlertId);
            e.HasOne<AlertRecord>().WithMany().HasForeignKey(i => i.AlertId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<NotificationRule>().WithMany().HasForeignKey(i => i.RuleId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<NotificationDelivery>(e =>
        {
            e.ToTable("notification_deliveries");
            e.Property(d => d.Target).HasMaxLength(16);
            e.Property(d => d.GroupKey).HasMaxLength(512);
            e.Property(d => d.DigestKey).HasMaxLength(256);
            e.Property(d => d.DedupeKey).HasMaxLength(256);
            e.Property(d => d.LastError).HasMaxLength(1000);
            e.Property(d => d.ExternalId).HasMaxLength(128);
            e.Property(d => d.ExternalLink).HasMaxLength(512);
            e.HasIndex(d => d.DedupeKey).IsUnique();
            // The sender's claim: due rows by state and time.
            e.HasIndex(d => new { d.State, d.NextAttemptMs });
            e.HasIndex(d => new { d.ClientId, d.CreatedMs });
            // Throttle counts: a rule's recent deliveries per group key.
            e.HasIndex(d => new { d.RuleId, d.GroupKey, d.CreatedMs });
            e.HasIndex(d => new { d.DigestKey, d.State });
            e.HasIndex(d => d.AlertId);
            e.HasOne<NotificationChannel>().WithMany().HasForeignKey(d => d.ChannelId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<NotificationRule>().WithMany().HasForeignKey(d => d.RuleId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<AlertRecord>().WithMany().HasForeignKey(d => d.AlertId).OnDelete(DeleteBehavior.Cascade);
        });

        ApplySnakeCaseNames(builder);
    }

    private static void ApplySnakeCaseNames(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            if (table is not null)
            {
                entity.SetTableName(SnakeCase(table));
            }
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
            foreach (var key in entity.GetKeys())
            {
                key.SetName(SnakeCase(key.GetDefaultName() ?? key.GetName()!));
            }
            foreach (var fk in entity.GetForeignKeys())
            {
                fk.SetConstraintName(SnakeCase(fk.GetDefaultName() ?? fk.GetConstraintName()!));
            }
            foreach (var index in entity.GetIndexes())
            {
                // Names this model gives (HasDatabaseName, already "ix_…": a default name would pass PostgreSQL's 63
                // characters) are kept; Identity's ("UserNameIndex") and default names become snake_case default names.
                var name = index.GetDatabaseName();
                index.SetDatabaseName(name is not null && name.StartsWith("ix_", StringComparison.Ordinal)
                    ? name
                    : SnakeCase(index.GetDefaultDatabaseName() ?? name!));
            }
        }
    }

    /// <summary><c>ClientId</c> → <c>client_id</c>; already snake_case names are unchanged.</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])
                    || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.Value.ToUniversalTime(), DateTimeKind.Utc),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}
