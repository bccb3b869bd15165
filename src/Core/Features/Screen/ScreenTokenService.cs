using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Screen;

/// <summary>
/// Screen tokens (admin only): create (the token is returned once, only its SHA-256 is stored), list, revoke; and the
/// look-up of a presented token for <see cref="ScreenAuth"/>.
/// </summary>
public sealed class ScreenTokenService(SocmeDbContext db, TenantScope scope, AuditLog audit, TimeProvider time)
{
    public const string TokenPrefix = "socme_screen_";

    /// <summary>A token's last-used time is written at most this often.</summary>
    internal static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedScreenTokenDto> CreateAsync(CreateScreenTokenRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var userId = RequireAdmin();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            throw ApiException.Validation("name", "A name of 1 to 100 characters is required.");
        }
        if (request.ClientId is { } clientId && !await db.Clients.AnyAsync(c => c.Id == clientId, ct))
        {
            throw ApiException.Validation("clientId", "The client does not exist.");
        }
        var token = Secrets.NewToken(TokenPrefix);
        var entity = new ScreenToken
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Hash = Secrets.Hash(token),
            Prefix = token[..(TokenPrefix.Length + 4)],
            ClientId = request.ClientId,
            CreatedBy = userId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ScreenTokens.Add(entity);
        audit.Add("screen_token.create", entity.ClientId, entity.Prefix, new { entity.Name, allClients = entity.ClientId is null });
        await db.SaveChangesAsync(ct);
        return new CreatedScreenTokenDto(ToDto(entity), token, "/screen?token=" + Uri.EscapeDataString(token));
    }

    public async Task<IReadOnlyList<ScreenTokenDto>> ListAsync(CancellationToken ct)
    {
        RequireAdmin();
        var list = await db.ScreenTokens.AsNoTracking().OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return list.Select(ToDto).ToList();
    }

    public async Task RevokeAsync(Guid id, CancellationToken ct)
    {
        RequireAdmin();
        var token = ApiException.OrNotFound(await db.ScreenTokens.FirstOrDefaultAsync(t => t.Id == id, ct), "Screen token");
        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.GetUtcNow().UtcDateTime;
            audit.Add("screen_token.revoke", token.ClientId, token.Prefix, new { token.Name });
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// The live (not revoked) token whose SHA-256 matches <paramref name="token"/>, or null. The look-up is by the hash
    /// on a unique index: comparing hashes of a 256-bit secret leaks nothing useful through timing.
    /// </summary>
    internal static async Task<ScreenToken?> FindLiveAsync(SocmeDbContext db, string? token, CancellationToken ct)
    {
        if (token is null || token.Length is < 20 or > 256 || !token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var hash = Secrets.Hash(token);
        return await db.ScreenTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Hash == hash && t.RevokedAt == null, ct);
    }

    private Guid RequireAdmin() =>
        scope.IsAdmin && scope.Kind == SocmeClaims.KindUser && scope.UserId is { } id
            ? id
            : throw ApiException.Forbidden("forbidden", "Screen tokens are managed by admins.");

    internal static ScreenTokenDto ToDto(ScreenToken t) => new(t.Id, t.Name, t.Prefix, t.ClientId, t.CreatedAt, t.LastUsedAt, t.RevokedAt);
}
