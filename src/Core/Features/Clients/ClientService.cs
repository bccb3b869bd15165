using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;
using ClientEntity = Socme.Core.Data.Tenancy.Client;
using ContactEntity = Socme.Core.Data.Tenancy.ClientContact;

namespace Socme.Core.Features.Clients;

/// <summary>Clients (tenants): create, list, update, delete; their contacts.</summary>
public sealed partial class ClientService(SocmeDbContext db, TenantScope scope, AuditLog audit, TimeProvider time)
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
    /// (with heartbeats), contacts and client-role users. The audit trail is kept.
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
        await db.ClientContacts.Where(c => c.ClientId == id).ExecuteDeleteAsync(ct);
        await db.ApiTokens.Where(t => t.User!.ClientId == id && t.User.Role == UserRole.Client).ExecuteDeleteAsync(ct);
        await db.Users.Where(u => u.ClientId == id && u.Role == UserRole.Client).ExecuteDeleteAsync(ct);
        db.Clients.Remove(client);
        audit.Add("client.delete", client.Id, client.Slug, new { client.Name, nodes, alerts, users, force });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ClientDeletionDto(id, nodes, alerts, users, true);
    }

    /// <summary>Most contacts one client may have (the list is read whole).</summary>
    public const int MaxContacts = 100;

    /// <summary>The client's contacts, by name; 404 for a client outside the caller's scope.</summary>
    public async Task<IReadOnlyList<ClientContactDto>> ListContactsAsync(Guid clientId, CancellationToken ct)
    {
        await FindAsync(clientId, ct);
        var rows = await db.ClientContacts.AsNoTracking().VisibleTo(scope).Where(c => c.ClientId == clientId)
            .OrderBy(c => c.Name).Take(MaxContacts).ToListAsync(ct);
        return rows.Select(ToDto).ToList();
    }

    /// <summary>Adds a contact (admin). 422 <c>validation_failed</c> on a bad field; 409 <c>too_many_contacts</c> past <see cref="MaxContacts"/>.</summary>
    public async Task<ClientContactDto> CreateContactAsync(Guid clientId, CreateClientContactRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireAdmin();
        var client = await FindAsync(clientId, ct);
        var contact = new ContactEntity
        {
            Id = Guid.CreateVersion7(),
            ClientId = client.Id,
            Name = ValidContactName(request.Name),
            Role = Optional("role", request.Role, 100),
            Email = ValidEmail(request.Email),
            Phone = ValidPhone(request.Phone),
            Notes = Optional("notes", request.Notes, 2000),
        };
        if (await db.ClientContacts.CountAsync(c => c.ClientId == clientId, ct) >= MaxContacts)
        {
            throw ApiException.Conflict("too_many_contacts", $"A client has at most {MaxContacts} contacts.");
        }
        contact.CreatedAt = contact.UpdatedAt = time.GetUtcNow().UtcDateTime;
        db.ClientContacts.Add(contact);
        audit.Add("client.contact_create", client.Id, contact.Id.ToString(), new { contact.Name, contact.Role });
        await db.SaveChangesAsync(ct);
        return ToDto(contact);
    }

    /// <summary>Changes a contact (admin): null fields stay, empty strings clear the optional ones.</summary>
    public async Task<ClientContactDto> UpdateContactAsync(Guid clientId, Guid contactId, UpdateClientContactRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireAdmin();
        var contact = await FindContactAsync(clientId, contactId, ct);
        if (request.Name is not null)
        {
            contact.Name = ValidContactName(request.Name);
        }
        if (request.Role is not null)
        {
            contact.Role = Optional("role", request.Role, 100);
        }
        if (request.Email is not null)
        {
            contact.Email = ValidEmail(request.Email);
        }
        if (request.Phone is not null)
        {
            contact.Phone = ValidPhone(request.Phone);
        }
        if (request.Notes is not null)
        {
            contact.Notes = Optional("notes", request.Notes, 2000);
        }
        contact.UpdatedAt = time.GetUtcNow().UtcDateTime;
        audit.Add("client.contact_update", clientId, contact.Id.ToString(),
            new { contact.Name, fields = Changed(request) });
        await db.SaveChangesAsync(ct);
        return ToDto(contact);
    }

    /// <summary>Removes a contact (admin).</summary>
    public async Task DeleteContactAsync(Guid clientId, Guid contactId, CancellationToken ct)
    {
        RequireAdmin();
        var contact = await FindContactAsync(clientId, contactId, ct);
        db.ClientContacts.Remove(contact);
        audit.Add("client.contact_delete", clientId, contact.Id.ToString(), new { contact.Name });
        await db.SaveChangesAsync(ct);
    }

    private async Task<ContactEntity> FindContactAsync(Guid clientId, Guid contactId, CancellationToken ct)
    {
        scope.EnsureCanSee(clientId, "Client");
        return ApiException.OrNotFound(
            await db.ClientContacts.VisibleTo(scope).FirstOrDefaultAsync(c => c.Id == contactId && c.ClientId == clientId, ct), "Contact");
    }

    /// <summary>Writes to contacts are the admin's (the endpoints require the role too; this also covers the pages).</summary>
    private void RequireAdmin()
    {
        if (!scope.IsAdmin)
        {
            throw ApiException.Forbidden("forbidden_for_role", "Only an admin can change a client's contacts.");
        }
    }

    private static string[] Changed(UpdateClientContactRequest r) =>
        new (string Field, string? Value)[] { ("name", r.Name), ("role", r.Role), ("email", r.Email), ("phone", r.Phone), ("notes", r.Notes) }
            .Where(f => f.Value is not null).Select(f => f.Field).ToArray();

    internal static ClientContactDto ToDto(ContactEntity c) =>
        new(c.Id, c.ClientId, c.Name, c.Role, c.Email, c.Phone, c.Notes, c.CreatedAt, c.UpdatedAt);

    private static string ValidContactName(string? name)
    {
        var n = name?.Trim();
        if (string.IsNullOrEmpty(n) || n.Length > 200)
        {
            throw ApiException.Validation("name", "A name of 1 to 200 characters is required.");
        }
        return n;
    }

    private static string? Optional(string field, string? value, int max)
    {
        var v = value?.Trim();
        if (v is { Length: > 0 } && v.Length > max)
        {
            throw ApiException.Validation(field, $"At most {max} characters.");
        }
        return string.IsNullOrEmpty(v) ? null : v;
    }

    /// <summary>An email address's shape: one <c>@</c>, no spaces, a dotted domain; at most 254 characters. Deliverability is not checked.</summary>
    internal static string? ValidEmail(string? email)
    {
        var e = email?.Trim();
        if (string.IsNullOrEmpty(e))
        {
            return null;
        }
        if (e.Length > 254 || !EmailShape().IsMatch(e))
        {
            throw ApiException.Validation("email", "An email address like name@example.org is expected.");
        }
        return e;
    }

    /// <summary>E.164: <c>+</c>, a country code not starting with 0, at most 15 digits in all. Spaces, dots, dashes and brackets are dropped first.</summary>
    internal static string? ValidPhone(string? phone)
    {
        var p = phone?.Trim();
        if (string.IsNullOrEmpty(p))
        {
            return null;
        }
        var compact = string.Concat(p.Where(ch => ch is not (' ' or '.' or '-' or '(' or ')')));
        if (!E164().IsMatch(compact))
        {
            throw ApiException.Validation("phone", "A phone number in E.164 form is expected: + then the country code and number, at most 15 digits (+33612345678).");
        }
        return compact;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();

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
