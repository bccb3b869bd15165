using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Users;

/// <summary>Users (admin only) and a user's own API tokens.</summary>
public sealed class UserService(SocmeDbContext db, UserManager<User> users, TenantScope scope, AuditLog audit, TimeProvider time)
{
    public async Task<CreatedUserDto> CreateAsync(CreateUserRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var role = ParseRole(request.Role);
        var email = request.Email?.Trim() ?? "";
        if (email.Length is < 3 or > 256 || !email.Contains('@', StringComparison.Ordinal))
        {
            throw ApiException.Validation("email", "A valid email is required.");
        }
        if (await users.FindByEmailAsync(email) is not null)
        {
            throw ApiException.Conflict("email_taken", "A user with this email exists.");
        }
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Email = email,
            UserName = email,
            DisplayName = request.DisplayName?.Trim(),
            Role = role,
            CreatedAt = time.GetUtcNow().UtcDateTime,
            EmailConfirmed = true,
        };
        await ApplyScopeAsync(user, role, request.ClientId, request.AllClients, request.ClientScope, ct);
        var generated = request.Password is null;
        var password = request.Password ?? Secrets.NewPassword();
        var result = await users.CreateAsync(user, password);
        ThrowIfFailed(result, "password");
        audit.Add("user.create", user.ClientId, user.Email, new { role = user.Role.ToString(), user.AllClients, scope = user.ClientScopes.Select(s => s.ClientId) });
        await db.SaveChangesAsync(ct);
        return new CreatedUserDto(ToDto(user), generated ? password : null);
    }

    public async Task<IReadOnlyList<UserDto>> ListAsync(CancellationToken ct)
    {
        var list = await db.Users.AsNoTracking().Include(u => u.ClientScopes).OrderBy(u => u.Email).ToListAsync(ct);
        return list.Select(ToDto).ToList();
    }

    public async Task<UserDto> GetAsync(Guid id, CancellationToken ct) => ToDto(await FindAsync(id, ct));

    public async Task<UserDto> MeAsync(CancellationToken ct) => ToDto(await FindAsync(scope.RequireUserId(), ct));

    public async Task<UserDto> UpdateAsync(Guid id, UpdateUserRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await FindAsync(id, ct);
        var role = request.Role is null ? user.Role : ParseRole(request.Role);
        var demotingOrDisablingAdmin = user.Role == UserRole.Admin && (role != UserRole.Admin || request.Disabled == true);
        if (demotingOrDisablingAdmin)
        {
            if (user.Id == scope.UserId)
            {
                throw ApiException.Conflict("cannot_demote_self", "You cannot demote or disable yourself.");
            }
            if (await db.Users.CountAsync(u => u.Role == UserRole.Admin && !u.Disabled, ct) <= 1)
            {
                throw ApiException.Conflict("last_admin", "This is the last active admin.");
            }
        }
        if (request.Role is not null || request.ClientId is not null || request.AllClients is not null || request.ClientScope is not null)
        {
            await ApplyScopeAsync(user, role, request.ClientId ?? user.ClientId, request.AllClients ?? user.AllClients,
                request.ClientScope ?? user.ClientScopes.Select(s => s.ClientId).ToList(), ct);
            user.Role = role;
        }
        if (request.DisplayName is not null)
        {
            user.DisplayName = request.DisplayName.Trim();
        }
        if (request.Disabled is { } disabled && disabled != user.Disabled)
        {
            user.Disabled = disabled;
            // Invalidates cookie sessions (security stamp) when disabling.
            user.SecurityStamp = Guid.NewGuid().ToString("N");
        }
        audit.Add("user.update", user.ClientId, user.Email, request);
        await db.SaveChangesAsync(ct);
        return ToDto(user);
    }

    private async Task ApplyScopeAsync(User user, UserRole role, Guid? clientId, bool allClients, IReadOnlyList<Guid>? clientScope, CancellationToken ct)
    {
        user.ClientScopes.Clear();
        user.ClientId = null;
        user.AllClients = false;
        switch (role)
        {
            case UserRole.Admin:
                user.AllClients = true;
                break;
            case UserRole.Analyst when allClients:
                user.AllClients = true;
                break;
            case UserRole.Analyst:
                var ids = (clientScope ?? []).Distinct().ToList();
                if (ids.Count == 0)
                {
                    throw ApiException.Validation("clientScope", "An analyst needs allClients=true or a non-empty clientScope.");
                }
                if (await db.Clients.CountAsync(c => ids.Contains(c.Id), ct) != ids.Count)
                {
                    throw ApiException.Validation("clientScope", "Every client in clientScope must exist.");
                }
                user.ClientScopes.AddRange(ids.Select(c => new UserClientScope { UserId = user.Id, ClientId = c }));
                break;
            case UserRole.Client:
                if (clientId is not { } c || !await db.Clients.AnyAsync(x => x.Id == c, ct))
                {
                    throw ApiException.Validation("clientId", "A client user needs the id of an existing client.");
                }
                user.ClientId = c;
                break;
        }
    }

    // ---- own API tokens ----

    public async Task<CreatedApiTokenDto> CreateTokenAsync(CreateApiTokenRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var userId = scope.RequireUserId();
        var (dto, token) = IssueToken(userId, request.Name, request.ExpiresInDays);
        await db.SaveChangesAsync(ct);
        return new CreatedApiTokenDto(dto, token);
    }

    /// <summary>Stages a new token for <paramref name="userId"/> (saved by the caller); returns it once.</summary>
    internal (ApiTokenDto Info, string Token) IssueToken(Guid userId, string? name, int? expiresInDays)
    {
        var n = name?.Trim();
        if (string.IsNullOrEmpty(n) || n.Length > 100)
        {
            throw ApiException.Validation("name", "A name of 1 to 100 characters is required.");
        }
        if (expiresInDays is < 1 or > 3650)
        {
            throw ApiException.Validation("expiresInDays", "1 to 3650 days.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var token = Secrets.NewToken(BearerTokenHandler.UserTokenPrefix);
        var entity = new ApiToken
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Name = n,
            Hash = Secrets.Hash(token),
            Prefix = token[..14],
            CreatedAt = now,
            ExpiresAt = expiresInDays is { } d ? now.AddDays(d) : null,
        };
        db.ApiTokens.Add(entity);
        audit.Add("token.create", null, entity.Prefix, new { entity.Name, entity.ExpiresAt }, actor: scope.UserId is null ? "system" : null);
        return (ToDto(entity), token);
    }

    /// <summary>Stages a token for a user who just proved their password (the caller's scope is not yet theirs).</summary>
    internal (ApiTokenDto Info, string Token) IssueTokenFor(TenantScope owner, Guid userId, string name, int expiresInDays)
    {
        var result = IssueToken(userId, name, expiresInDays);
        audit.Add("auth.login", null, result.Info.Prefix, new { name }, actor: owner.Actor);
        return result;
    }

    public Task SaveAsync(CancellationToken ct) => db.SaveChangesAsync(ct);

    public async Task<IReadOnlyList<ApiTokenDto>> ListTokensAsync(CancellationToken ct)
    {
        var userId = scope.RequireUserId();
        var list = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).OrderBy(t => t.CreatedAt).ToListAsync(ct);
        return list.Select(ToDto).ToList();
    }

    public async Task RevokeTokenAsync(Guid tokenId, CancellationToken ct)
    {
        var userId = scope.RequireUserId();
        var token = ApiException.OrNotFound(await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, ct), "Token");
        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.GetUtcNow().UtcDateTime;
            audit.Add("token.revoke", null, token.Prefix);
            await db.SaveChangesAsync(ct);
        }
    }

    // ---- administration (admin only) ----

    /// <summary>
    /// Turns a user's two-factor sign-in off: the flag, the authenticator key and the recovery codes go, and the
    /// security stamp changes, which ends every session of the user. They set 2FA up again at their next sign-in
    /// (at once when their role requires it).
    /// </summary>
    public async Task<UserDto> ResetTwoFactorAsync(Guid id, CancellationToken ct)
    {
        RequireAdmin();
        var user = await FindAsync(id, ct);
        var was = user.TwoFactorEnabled;
        user.TwoFactorEnabled = false;
        await users.RemoveAuthenticationTokenAsync(user, IdentityTokenProvider, AuthenticatorKeyToken);
        await users.RemoveAuthenticationTokenAsync(user, IdentityTokenProvider, RecoveryCodesToken);
        await users.RemoveAuthenticationTokenAsync(user, "[SOCme]", "TotpLastStep");
        ThrowIfFailed(await users.UpdateSecurityStampAsync(user), "securityStamp");
        await audit.WriteAsync("user.2fa_reset", user.ClientId, user.Email, new { wasEnabled = was }, ct: ct);
        return ToDto(user);
    }

    /// <summary>Every user's personal API tokens with their owner, newest first.</summary>
    public async Task<IReadOnlyList<OwnedApiToken>> ListAllTokensAsync(CancellationToken ct)
    {
        RequireAdmin();
        var rows = await db.ApiTokens.AsNoTracking().OrderByDescending(t => t.CreatedAt)
            .Select(t => new { Token = t, t.User!.Email })
            .ToListAsync(ct);
        return rows.Select(r => new OwnedApiToken(ToDto(r.Token), r.Token.UserId, r.Email ?? "")).ToList();
    }

    /// <summary>Revokes any user's token (audited with its owner).</summary>
    public async Task RevokeAnyTokenAsync(Guid tokenId, CancellationToken ct)
    {
        RequireAdmin();
        var token = ApiException.OrNotFound(await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == tokenId, ct), "Token");
        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.GetUtcNow().UtcDateTime;
            audit.Add("token.revoke", token.User?.ClientId, token.Prefix, new { owner = token.User?.Email, by = "admin" });
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Each user's last successful console or API sign-in, from the audit log (by email).</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> LastSignInsAsync(CancellationToken ct)
    {
        RequireAdmin();
        var rows = await db.AuditLog.AsNoTracking()
            .Where(a => a.Action == "auth.login" && a.Success && a.Target != null)
            .GroupBy(a => a.Target!)
            .Select(g => new { Email = g.Key, At = g.Max(a => a.At) })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Email, r => new DateTimeOffset(DateTime.SpecifyKind(r.At, DateTimeKind.Utc)), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Which users have two-factor sign-in on.</summary>
    public async Task<IReadOnlySet<Guid>> TwoFactorUsersAsync(CancellationToken ct)
    {
        RequireAdmin();
        return (await db.Users.AsNoTracking().Where(u => u.TwoFactorEnabled).Select(u => u.Id).ToListAsync(ct)).ToHashSet();
    }

    private const string IdentityTokenProvider = "[AspNetUserStore]";
    private const string AuthenticatorKeyToken = "AuthenticatorKey";
    private const string RecoveryCodesToken = "RecoveryCodes";

    private void RequireAdmin()
    {
        if (!scope.IsAdmin || scope.Kind != SocmeClaims.KindUser)
        {
            throw ApiException.Forbidden("forbidden", "This operation needs an admin.");
        }
    }

    private async Task<User> FindAsync(Guid id, CancellationToken ct) =>
        ApiException.OrNotFound(await db.Users.Include(u => u.ClientScopes).FirstOrDefaultAsync(u => u.Id == id, ct), "User");

    private static void ThrowIfFailed(IdentityResult result, string field)
    {
        if (!result.Succeeded)
        {
            throw new ApiException(422, "validation_failed", "One or more fields are invalid.",
                new Dictionary<string, string[]> { [field] = result.Errors.Select(e => e.Description).ToArray() });
        }
    }

    public static UserRole ParseRole(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        "admin" => UserRole.Admin,
        "analyst" => UserRole.Analyst,
        "client" => UserRole.Client,
        _ => throw ApiException.Validation("role", "role must be admin, analyst or client."),
    };

    internal static UserDto ToDto(User u) => new(
        u.Id, u.Email ?? "", u.DisplayName, u.Role.ToString().ToLowerInvariant(), u.ClientId, u.AllClients,
        u.ClientScopes.Select(s => s.ClientId).ToList(), u.Disabled, u.CreatedAt);

    internal static ApiTokenDto ToDto(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt);
}

/// <summary>A personal API token with its owner (the administration's list of every token).</summary>
public sealed record OwnedApiToken(ApiTokenDto Token, Guid UserId, string Owner);
