using System.Text;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;
using ClientEntity = Socme.Core.Data.Tenancy.Client;

namespace Socme.Core.Features.Clients;

/// <summary>Clients (tenants): create, list, update, delete.</summary>
public sealed class ClientService(SocmeDbContext db, TenantScope scope, AuditLog audit, TimeProvider time)
{
    public async Task<ClientDto> CreateAsync(CreateClientRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = ValidName(request.Name);
        var baseSlug = Slugify(name);
        var slug = baseSlug;
        for (var i = 2; await db.Clients.AnyAsync(c => c.Slug == slug, ct); i++)
        {
            slug = $"{baseSlug}-{i}";
        }
        var now = time.GetUtcNow().UtcDateTime;
        var client = new ClientEntity
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Slug = slug,
            Description = ValidDescription(request.Description),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Clients.Add(client);
        audit.Add("client.create", client.Id, client.Slug, new { client.Name });
        await db.SaveChangesAsync(ct);
        return ToDto(client);
    }

    public async Task<IReadOnlyList<ClientDto>> ListAsync(CancellationToken ct)
    {
        var q = db.Clients.AsNoTracking();
        if (!scope.AllClients)
        {
            var ids = scope.ClientIds.ToList();
            q = q.Where(c => ids.Contains(c.Id));
        }
        var rows = await q.OrderBy(c => c.Name).ToListAsync(ct);
        return rows.Select(ToDto).ToList();
    }

    public async Task<ClientDto> GetAsync(Guid id, CancellationToken ct) => ToDto(await FindAsync(id, ct));

    public async Task<ClientDto> UpdateAsync(Guid id, UpdateClientRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var client = await FindAsync(id, ct);
        if (request.Name is not null)
        {
            client.Name = ValidName(request.Name);
        }
        if (request.Description is not null)
        {
            client.Description = ValidDescription(request.Description);
        }
        client.UpdatedAt = time.GetUtcNow().UtcDateTime;
        audit.Add("client.update", client.Id, client.Slug, new { request.Name, request.Description });
        await db.SaveChangesAsync(ct);
        return ToDto(client);
    }

    /// <summary>
    /// Deletes a client. While it has nodes or alerts, refuses with 409 (and says what would be removed)
    /// unless <paramref name="force"/>; forced, it removes its alerts (with comments and history), nodes
    /// (with heartbeats) and client-role users. The audit trail is kept.
    /// </summary>
    public async Task<ClientDeletionDto> DeleteAsync(Guid id, bool force, CancellationToken ct)
    {
        var client = await FindAsync(id, ct);
        var nodes = await db.Nodes.CountAsync(n => n.ClientId == id, ct);
        var alerts = await db.Alerts.LongCountAsync(a => a.ClientId == id, ct);
        var users = await db.Users.CountAsync(u => u.ClientId == id && u.Role == UserRole.Client, ct);
        if ((nodes > 0 || alerts > 0 || users > 0) && !force)
        {
            throw new ApiException(409, "client_not_empty",
                $"Client '{client.Name}' has {nodes} node(s), {alerts} alert(s) and {users} portal user(s); delete with force=true to remove them all.");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.AlertComments.Where(c => c.ClientId == id).ExecuteDeleteAsync(ct);
        await db.AlertHistory.Where(h => h.ClientId == id).ExecuteDeleteAsync(ct);
        await db.Alerts.Where(a => a.ClientId == id).ExecuteDeleteAsync(ct);
        await db.NodeHeartbeats.Where(h => h.ClientId == id).ExecuteDeleteAsync(ct);
        await db.Nodes.Where(n => n.ClientId == id).ExecuteDeleteAsync(ct);
        await db.UserClientScopes.Where(s => s.ClientId == id).ExecuteDeleteAsync(ct);
        await db.ApiTokens.Where(t => t.User!.ClientId == id && t.User.Role == UserRole.Client).ExecuteDeleteAsync(ct);
        await db.Users.Where(u => u.ClientId == id && u.Role == UserRole.Client).ExecuteDeleteAsync(ct);
        db.Clients.Remove(client);
        audit.Add("client.delete", client.Id, client.Slug, new { client.Name, nodes, alerts, users, force });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ClientDeletionDto(id, nodes, alerts, users, true);
    }

    private async Task<ClientEntity> FindAsync(Guid id, CancellationToken ct)
    {
        scope.EnsureCanSee(id, "Client");
        return ApiException.OrNotFound(await db.Clients.FirstOrDefaultAsync(c => c.Id == id, ct), "Client");
    }

    internal static ClientDto ToDto(ClientEntity c) => new(c.Id, c.Name, c.Slug, c.Description, c.CreatedAt);

    private static string ValidName(string? name)
    {
        var n = name?.Trim();
        if (string.IsNullOrEmpty(n) || n.Length > 200)
        {
            throw ApiException.Validation("name", "A name of 1 to 200 characters is required.");
        }
        return n;
    }

    private static string? ValidDescription(string? d)
    {
        if (d is { Length: > 2000 })
        {
            throw ApiException.Validation("description", "At most 2000 characters.");
        }
        return string.IsNullOrWhiteSpace(d) ? null : d.Trim();
    }

    /// <summary>Lowercase ASCII letters, digits and dashes, at most 48 characters; "client" when nothing is left.</summary>
    public static string Slugify(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder();
        foreach (var ch in name.Normalize(NormalizationForm.FormD))
        {
            var c = char.ToLowerInvariant(ch);
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append(c);
            }
            else if (char.IsWhiteSpace(c) || c is '-' or '_' or '.')
            {
                if (sb.Length > 0 && sb[^1] != '-')
                {
                    sb.Append('-');
                }
            }
        }
        var slug = sb.ToString().Trim('-');
        if (slug.Length > 48)
        {
            slug = slug[..48].Trim('-');
        }
        return slug.Length == 0 ? "client" : slug;
    }
}
