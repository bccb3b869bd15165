using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using QRCoder;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Web;

namespace Socme.Core.Features.Account;

/// <summary>Setting up, renewing and turning off TOTP two-factor sign-in.</summary>
internal sealed class TwoFactorModel(
    UserManager<User> users, ConsoleSignIn signIn, AuditLog audit, TenantScope scope, IOptions<ConsoleOptions> options) : PageModel
{
    public const int RecoveryCodeCount = 10;

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public bool Enabled { get; private set; }
    public bool Required { get; private set; }
    public int RecoveryCodesLeft { get; private set; }
    public string? FormattedKey { get; private set; }
    public string? QrCodeDataUri { get; private set; }
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await ShowAsync(await CurrentUserAsync());

    public async Task<IActionResult> OnPostEnableAsync(CancellationToken ct)
    {
        var user = await CurrentUserAsync();
        if (user.TwoFactorEnabled)
        {
            return await ShowAsync(user);
        }
        if (!await signIn.VerifyTotpAsync(user, Code ?? ""))
        {
            Error = "The code is wrong or was already used.";
            return await ShowAsync(user);
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList();
        await audit.WriteAsync("user.2fa_enable", user.ClientId, user.Email, ct: ct);
        await signIn.RefreshSessionAsync(user);
        return await ShowAsync(user);
    }

    public async Task<IActionResult> OnPostNewCodesAsync(CancellationToken ct)
    {
        var user = await CurrentUserAsync();
        if (!user.TwoFactorEnabled || !await signIn.VerifyTotpAsync(user, Code ?? ""))
        {
            Error = "The code is wrong or was already used.";
            return await ShowAsync(user);
        }
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList();
        await audit.WriteAsync("user.2fa_recovery_codes", user.ClientId, user.Email, ct: ct);
        return await ShowAsync(user);
    }

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken ct)
    {
        var user = await CurrentUserAsync();
        if (options.Value.TwoFactorRequiredRoles.Contains(user.Role))
        {
            Error = "Your role requires two-factor sign-in.";
            return await ShowAsync(user);
        }
        if (!await users.CheckPasswordAsync(user, Password ?? ""))
        {
            await users.AccessFailedAsync(user);
            Error = "The password is wrong.";
            return await ShowAsync(user);
        }
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await audit.WriteAsync("user.2fa_disable", user.ClientId, user.Email, ct: ct);
        await signIn.RefreshSessionAsync(user);
        Message = "Two-factor sign-in is off.";
        return await ShowAsync(user);
    }

    private async Task<User> CurrentUserAsync() =>
        await users.FindByIdAsync(scope.RequireUserId().ToString()) ?? throw new InvalidOperationException("The signed-in user is gone.");

    private async Task<IActionResult> ShowAsync(User user)
    {
        Enabled = user.TwoFactorEnabled;
        Required = options.Value.TwoFactorRequiredRoles.Contains(user.Role);
        Code = null;
        Password = null;
        if (Enabled)
        {
            RecoveryCodesLeft = await users.CountRecoveryCodesAsync(user);
            return Page();
        }
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // A new key changes the security stamp (ending other sessions); this one continues.
            await users.ResetAuthenticatorKeyAsync(user);
            await signIn.RefreshSessionAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("No authenticator key.");
        }
        FormattedKey = string.Join(' ', key.Chunk(4).Select(c => new string(c))).ToLowerInvariant();
        var label = Uri.EscapeDataString("SOCme:" + user.Email);
        var uri = $"otpauth://totp/{label}?secret={key}&issuer=SOCme&digits={Totp.Digits}&period={Totp.StepSeconds}";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        QrCodeDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
        return Page();
    }
}
