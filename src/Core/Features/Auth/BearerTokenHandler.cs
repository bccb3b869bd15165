using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Socme.Core.Data;
using Socme.Core.Data.Identity;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer</c> tokens: personal API tokens (<c>socme_pat_…</c>) and node
/// tokens (<c>socme_node_…</c>). Both are looked up by their SHA-256; the principal says which kind it is,
/// and the policies never let a node token reach a user endpoint or the reverse.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SocmeDbContext db,
    TimeProvider time,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string UserTokenPrefix = "socme_pat_";
    public const string NodeTokenPrefix = "socme_node_";

    /// <summary>A token's last-used time is written at most this often (not on every request).</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is < 16 or > 256)
        {
            return AuthenticateResult.Fail("Malformed token.");
        }
        var hash = Secrets.Hash(token);
        if (token.StartsWith(NodeTokenPrefix, StringComparison.Ordinal))
        {
            return await AuthenticateNodeAsync(hash);
        }
        if (token.StartsWith(UserTokenPrefix, StringComparison.Ordinal))
        {
            return await AuthenticateUserAsync(hash);
        }
        return AuthenticateResult.Fail("Unknown token type.");
    }

    private async Task<AuthenticateResult> AuthenticateNodeAsync(string hash)
    {
        var node = await db.Nodes.AsNoTracking()
            .Where(n => n.TokenHash == hash)
            .Select(n => new { n.Id, n.ClientId })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (node is null)
        {
            return AuthenticateResult.Fail("Invalid or revoked node token.");
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(SocmeClaims.Kind, SocmeClaims.KindNode),
            new Claim(SocmeClaims.NodeId, node.Id.ToString()),
            new Claim(SocmeClaims.Client, node.ClientId.ToString()),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private async Task<AuthenticateResult> AuthenticateUserAsync(string hash)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var token = await db.ApiTokens
            .Include(t => t.User!).ThenInclude(u => u.ClientScopes)
            .FirstOrDefaultAsync(t => t.Hash == hash, Context.RequestAborted);
        if (token?.User is not { } user || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return AuthenticateResult.Fail("Invalid, expired or revoked API token.");
        }
        if (user.Disabled || user.LockoutEnd > time.GetUtcNow())
        {
            return AuthenticateResult.Fail("The user is disabled or locked out.");
        }
        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            token.LastUsedAt = now;
            await db.SaveChangesAsync(Context.RequestAborted);
        }
        return AuthenticateResult.Success(new AuthenticationTicket(UserPrincipal(user, SchemeName), SchemeName));
    }

    /// <summary>The principal of a user: role and the clients they may see.</summary>
    public static ClaimsPrincipal UserPrincipal(User user, string scheme)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(SocmeClaims.Kind, SocmeClaims.KindUser),
            new(SocmeClaims.UserId, user.Id.ToString()),
            // The stable identifier antiforgery tokens are bound to (not the whole claim set, which changes).
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(SocmeClaims.Email, user.Email ?? ""),
            new(SocmeClaims.Role, user.Role.ToString()),
        };
        switch (user.Role)
        {
            case UserRole.Admin:
                claims.Add(new Claim(SocmeClaims.AllClients, "true"));
                break;
            case UserRole.Analyst when user.AllClients:
                claims.Add(new Claim(SocmeClaims.AllClients, "true"));
                break;
            case UserRole.Analyst:
                claims.AddRange(user.ClientScopes.Select(s => new Claim(SocmeClaims.Client, s.ClientId.ToString())));
                break;
            case UserRole.Client when user.ClientId is { } clientId:
                claims.Add(new Claim(SocmeClaims.Client, clientId.ToString()));
                break;
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message ?? "Authentication is required: send Authorization: Bearer <token>.";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "unauthorized", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync(StatusCodes.Status403Forbidden, "forbidden", "This token may not perform this operation.");
    }

    private async Task WriteProblemAsync(int status, string code, string detail)
    {
        var problem = new ProblemDetails { Status = status, Detail = detail };
        problem.Extensions["code"] = code;
        await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem });
    }
}
