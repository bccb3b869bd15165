using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Socme.Client;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Users;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Auth;

/// <summary>
/// <c>POST /api/v1/auth/token</c>: exchanges an email and password for a personal API token (the CLI's
/// <c>socme login</c>). Failures count towards Identity's lockout and are audited.
/// </summary>
internal static class LoginEndpoints
{
    public const string LoginRateLimit = "login";

    public static RouteGroupBuilder MapLoginEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/token", async Task<Created<CreatedApiTokenDto>> (
                LoginRequest body, UserManager<User> users, UserService userService, AuditLog audit, HttpContext http, CancellationToken ct) =>
            {
                ArgumentNullException.ThrowIfNull(body);
                var user = string.IsNullOrWhiteSpace(body.Email) ? null : await users.FindByEmailAsync(body.Email.Trim());
                if (user is null || user.Disabled)
                {
                    await audit.WriteAsync("auth.login", null, body.Email, new { reason = user is null ? "unknown_user" : "disabled" }, success: false, actor: "anonymous", ct: ct);
                    throw new ApiException(401, "invalid_credentials", "The email or password is wrong.");
                }
                if (await users.IsLockedOutAsync(user))
                {
                    await audit.WriteAsync("auth.login", user.ClientId, user.Email, new { reason = "locked_out" }, success: false, actor: user.Email, ct: ct);
                    throw new ApiException(401, "locked_out", "Too many failed attempts; the account is locked for a while.");
                }
                if (!await users.CheckPasswordAsync(user, body.Password ?? ""))
                {
                    await users.AccessFailedAsync(user);
                    await audit.WriteAsync("auth.login", user.ClientId, user.Email, new { reason = "bad_password" }, success: false, actor: user.Email, ct: ct);
                    throw new ApiException(401, "invalid_credentials", "The email or password is wrong.");
                }
                await users.ResetAccessFailedCountAsync(user);
                http.User = BearerTokenHandler.UserPrincipal(user, "password");
                var scope = TenantScope.From(http.User);
                var (info, token) = userService.IssueTokenFor(scope, user.Id, body.TokenName ?? "login", body.ExpiresInDays ?? 30);
                await userService.SaveAsync(ct);
                return TypedResults.Created("/api/v1/me/tokens", new CreatedApiTokenDto(info, token));
            })
            .WithName("Auth_Token").WithTags("Auth").AllowAnonymous().RequireRateLimiting(LoginRateLimit);
        return api;
    }
}
