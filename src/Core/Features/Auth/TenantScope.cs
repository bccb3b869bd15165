using System.Security.Claims;
using Socme.Core.Data.Identity;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Auth;

/// <summary>
/// What the current caller may see, derived from the authenticated principal. Feature services filter
/// every tenant-owned query with it (<see cref="TenantQueries"/>), and answer 404 for anything outside it.
/// </summary>
public sealed class TenantScope
{
    private readonly HashSet<Guid> _clients;

    private TenantScope(string kind, Guid? userId, string actor, UserRole? role, bool allClients, HashSet<Guid> clients, Guid? nodeId)
    {
        Kind = kind;
        UserId = userId;
        Actor = actor;
        Role = role;
        AllClients = allClients;
        _clients = clients;
        NodeId = nodeId;
    }

    public string Kind { get; }
    public Guid? UserId { get; }
    /// <summary>The name written to history and the audit log.</summary>
    public string Actor { get; }
    public UserRole? Role { get; }
    public bool AllClients { get; }
    public Guid? NodeId { get; }

    /// <summary>The visible clients when not <see cref="AllClients"/>.</summary>
    public IReadOnlyCollection<Guid> ClientIds => _clients;

    public bool IsAdmin => Role == UserRole.Admin;
    public bool IsStaff => Role is UserRole.Admin or UserRole.Analyst;

    public bool CanSee(Guid clientId) => AllClients || _clients.Contains(clientId);

    /// <summary>Throws 404 when the client is outside the scope (never 403: existence is not disclosed).</summary>
    public void EnsureCanSee(Guid clientId, string what)
    {
        if (!CanSee(clientId))
        {
            throw ApiException.NotFound(what);
        }
    }

    public Guid RequireUserId() => UserId ?? throw ApiException.Forbidden("not_a_user", "This operation needs a user.");

    public static TenantScope From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var kind = principal.FindFirstValue(SocmeClaims.Kind);
        if (kind is null)
        {
            return new TenantScope("anonymous", null, "anonymous", null, false, [], null);
        }
        var clients = new HashSet<Guid>();
        foreach (var c in principal.FindAll(SocmeClaims.Client))
        {
            if (Guid.TryParse(c.Value, out var id))
            {
                clients.Add(id);
            }
        }
        var all = principal.FindFirstValue(SocmeClaims.AllClients) == "true";
        Guid? userId = Guid.TryParse(principal.FindFirstValue(SocmeClaims.UserId), out var u) ? u : null;
        Guid? nodeId = Guid.TryParse(principal.FindFirstValue(SocmeClaims.NodeId), out var n) ? n : null;
        UserRole? role = Enum.TryParse<UserRole>(principal.FindFirstValue(SocmeClaims.Role), out var r) ? r : null;
        var actor = kind switch
        {
            SocmeClaims.KindNode => $"node:{nodeId}",
            SocmeClaims.KindScreen => "screen",
            _ => principal.FindFirstValue(SocmeClaims.Email) ?? $"user:{userId}",
        };
        return new TenantScope(kind, userId, actor, role, all, clients, nodeId);
    }

    /// <summary>The scope of the core's own background work: every client.</summary>
    public static TenantScope System { get; } = new("system", null, "system", null, true, [], null);
}
