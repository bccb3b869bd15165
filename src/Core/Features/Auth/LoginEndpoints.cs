using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Socme.Client;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Account;
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
                LoginRequest body, CredentialCheck credentials, UserManager<User> users, UserService userService, HttpContext http, CancellationToken ct) =>
            {
                ArgumentNullException.ThrowIfNull(body);
                var (result, user) = await credentials.CheckAsync(body.Email, body.Password, "api", ct);
                if (result == CredentialResult.LockedOut)
                {
                    throw new ApiException(401, "locked_out", "Too many failed attempts; the account is locked for a while.");
                }
                if (user is null)
                {
                    throw new ApiException(401, "invalid_credentials", "The email or password is wrong.");
                }
                if (user.TwoFactorEnabled)
                {
                    // A password alone must not yield a token for a 2FA account: tokens are made in the console profile.
                    throw new ApiException(401, "two_factor_required",
                        "This account signs in with two factors: create a personal API token on the console's profile page.");
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
