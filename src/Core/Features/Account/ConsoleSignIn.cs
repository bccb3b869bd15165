using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Account;

/// <summary>What a sign-in step ended with.</summary>
internal enum SignInOutcome
{
    SignedIn,
    SecondFactorNeeded,
    Invalid,
    LockedOut,
    /// <summary>The step between the password and the code expired or was never started.</summary>
    Expired,
}

/// <summary>
/// The console's sign-in: password, then (when enabled) a TOTP code or a recovery code, then the session cookie.
/// Wrong codes count towards the same lockout as wrong passwords; a TOTP code is accepted once.
/// </summary>
internal sealed class ConsoleSignIn(
    IHttpContextAccessor http, UserManager<User> users, CredentialCheck credentials, AuditLog audit, TimeProvider time)
{
    /// <summary>Identity's login provider name for SOCme's own user tokens.</summary>
    public const string TokenProvider = "[SOCme]";
    public const string LastTotpStepToken = "TotpLastStep";

    private HttpContext Http => http.HttpContext ?? throw new InvalidOperationException("No HTTP request.");

    public async Task<SignInOutcome> PasswordAsync(string? email, string? password, CancellationToken ct)
    {
        var (result, user) = await credentials.CheckAsync(email, password, "console", ct);
        if (result != CredentialResult.Valid || user is null)
        {
            return result == CredentialResult.LockedOut ? SignInOutcome.LockedOut : SignInOutcome.Invalid;
        }
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            var step = new ClaimsIdentity(
            [
                new Claim(SocmeClaims.UserId, user.Id.ToString()),
                new Claim(SocmeClaims.SecurityStamp, user.SecurityStamp ?? ""),
            ], ConsoleAuth.TwoFactorScheme);
            await Http.SignInAsync(ConsoleAuth.TwoFactorScheme, new ClaimsPrincipal(step));
            return SignInOutcome.SecondFactorNeeded;
        }
        await CompleteAsync(user, "password", ct);
        return SignInOutcome.SignedIn;
    }

    /// <summary>The second step: a 6-digit code from the authenticator app, or one of the recovery codes.</summary>
    public async Task<SignInOutcome> SecondFactorAsync(string? code, CancellationToken ct)
    {
        var step = await Http.AuthenticateAsync(ConsoleAuth.TwoFactorScheme);
        var id = step.Principal?.FindFirstValue(SocmeClaims.UserId);
        var user = id is null ? null : await users.FindByIdAsync(id);
        if (user is null || user.Disabled || user.SecurityStamp != step.Principal?.FindFirstValue(SocmeClaims.SecurityStamp))
        {
            await Http.SignOutAsync(ConsoleAuth.TwoFactorScheme);
            return SignInOutcome.Expired;
        }
        if (await users.IsLockedOutAsync(user))
        {
            await audit.WriteAsync("auth.2fa", user.ClientId, user.Email, new { reason = "locked_out" }, success: false, actor: user.Email, ct: ct);
            return SignInOutcome.LockedOut;
        }
        var trimmed = (code ?? "").Trim();
        string? method = null;
        if (await VerifyTotpAsync(user, trimmed))
        {
            method = "totp";
        }
        else if (trimmed.Length > Totp.Digits && (await users.RedeemTwoFactorRecoveryCodeAsync(user, trimmed)).Succeeded)
        {
            method = "recovery_code";
        }
        if (method is null)
        {
            await users.AccessFailedAsync(user);
            await audit.WriteAsync("auth.2fa", user.ClientId, user.Email, new { reason = "bad_code" }, success: false, actor: user.Email, ct: ct);
            return await users.IsLockedOutAsync(user) ? SignInOutcome.LockedOut : SignInOutcome.Invalid;
        }
        await Http.SignOutAsync(ConsoleAuth.TwoFactorScheme);
        await CompleteAsync(user, method, ct);
        return SignInOutcome.SignedIn;
    }

    /// <summary>
    /// True when <paramref name="code"/> is the user's current TOTP code and was not used before; records its step.
    /// </summary>
    public async Task<bool> VerifyTotpAsync(User user, string code)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }
        var last = long.TryParse(await users.GetAuthenticationTokenAsync(user, TokenProvider, LastTotpStepToken), CultureInfo.InvariantCulture, out var l) ? l : 0;
        var step = Totp.Match(Totp.DecodeBase32(key), code, time.GetUtcNow(), last);
        if (step is null)
        {
            return false;
        }
        await users.SetAuthenticationTokenAsync(user, TokenProvider, LastTotpStepToken, step.Value.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>Starts the session; sets the user's saved language and theme on this browser.</summary>
    public async Task CompleteAsync(User user, string method, CancellationToken ct)
    {
        await users.ResetAccessFailedCountAsync(user);
        await Http.SignInAsync(ConsoleAuth.Scheme, ConsoleAuth.SessionPrincipal(user));
        var prefs = await Preferences.ReadAsync(users, user);
        Preferences.ApplyToBrowser(Http, prefs);
        await audit.WriteAsync("auth.login", user.ClientId, user.Email, new { channel = "console", method }, actor: user.Email, ct: ct);
    }

    /// <summary>
    /// Re-issues this browser's session after a change of the user's security stamp (password, 2FA), which ends every
    /// other session of the user.
    /// </summary>
    public async Task RefreshSessionAsync(User user)
    {
        var fresh = await users.FindByIdAsync(user.Id.ToString()) ?? user;
        await Http.SignInAsync(ConsoleAuth.Scheme, ConsoleAuth.SessionPrincipal(fresh));
    }

    public async Task SignOutAsync(bool everywhere, CancellationToken ct)
    {
        var scope = TenantScope.From(Http.User);
        if (everywhere && scope.UserId is { } id && await users.FindByIdAsync(id.ToString()) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }
        await Http.SignOutAsync(ConsoleAuth.Scheme);
        await audit.WriteAsync(everywhere ? "auth.sign_out_everywhere" : "auth.sign_out", null, scope.Actor, ct: ct);
    }
}
