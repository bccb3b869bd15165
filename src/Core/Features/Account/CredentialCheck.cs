using Microsoft.AspNetCore.Identity;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;

namespace Socme.Core.Features.Account;

/// <summary>What checking an email and password found.</summary>
internal enum CredentialResult
{
    Valid,
    Invalid,
    LockedOut,
}

/// <summary>
/// The one password check of the core, for the console's sign-in and the API's <c>POST /auth/token</c>: unknown
/// and disabled users, wrong passwords and locked accounts answer alike to the caller, count towards Identity's
/// lockout, and are audited with the real reason.
/// </summary>
internal sealed class CredentialCheck(UserManager<User> users, AuditLog audit)
{
    public async Task<(CredentialResult Result, User? User)> CheckAsync(string? email, string? password, string channel, CancellationToken ct)
    {
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
        if (user is null || user.Disabled)
        {
            await audit.WriteAsync("auth.login", null, email, new { channel, reason = user is null ? "unknown_user" : "disabled" }, success: false, actor: "anonymous", ct: ct);
            return (CredentialResult.Invalid, null);
        }
        if (await users.IsLockedOutAsync(user))
        {
            await audit.WriteAsync("auth.login", user.ClientId, user.Email, new { channel, reason = "locked_out" }, success: false, actor: user.Email, ct: ct);
            return (CredentialResult.LockedOut, null);
        }
        if (!await users.CheckPasswordAsync(user, password ?? ""))
        {
            await users.AccessFailedAsync(user);
            await audit.WriteAsync("auth.login", user.ClientId, user.Email, new { channel, reason = "bad_password" }, success: false, actor: user.Email, ct: ct);
            // The attempt that locks the account still answers "wrong"; the lock shows from the next attempt on.
            return (CredentialResult.Invalid, null);
        }
        return (CredentialResult.Valid, user);
    }
}
