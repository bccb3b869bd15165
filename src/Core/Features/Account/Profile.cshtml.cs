using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Users;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Account;

/// <summary>The signed-in user's own settings: password, 2FA, language, theme, API tokens, sessions.</summary>
internal sealed class ProfileModel(UserManager<User> users, UserService userService, ConsoleSignIn signIn, AuditLog audit, TenantScope scope) : PageModel
{
    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? TokenName { get; set; }

    [BindProperty]
    public int TokenDays { get; set; } = 90;

    public UserDto Me { get; private set; } = null!;
    public bool TwoFactorEnabled { get; private set; }
    public Theme Theme { get; private set; }
    public IReadOnlyList<ApiTokenDto> Tokens { get; private set; } = [];
    public string? NewToken { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        var user = await users.FindByIdAsync(scope.RequireUserId().ToString()) ?? throw new InvalidOperationException("The signed-in user is gone.");
        var result = await users.ChangePasswordAsync(user, CurrentPassword ?? "", NewPassword ?? "");
        if (!result.Succeeded)
        {
            Error = string.Join(" ", result.Errors.Select(e => e.Description));
            await audit.WriteAsync("user.password_change", user.ClientId, user.Email, new { errors = result.Errors.Select(e => e.Code) }, success: false, ct: ct);
            return await ShowAsync(ct);
        }
        await audit.WriteAsync("user.password_change", user.ClientId, user.Email, ct: ct);
        await signIn.RefreshSessionAsync(user);
        Message = "The password is changed; your other sessions are signed out.";
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostTokenAsync(CancellationToken ct)
    {
        try
        {
            var created = await userService.CreateTokenAsync(new CreateApiTokenRequest(TokenName?.Trim() ?? "", TokenDays), ct);
            NewToken = created.Token;
        }
        catch (ApiException e)
        {
            Error = e.Message;
        }
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tokenId, CancellationToken ct)
    {
        await userService.RevokeTokenAsync(tokenId, ct);
        Message = "The token is revoked.";
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Me = await userService.MeAsync(ct);
        var user = await users.FindByIdAsync(Me.Id.ToString());
        TwoFactorEnabled = user?.TwoFactorEnabled == true;
        Theme = Preferences.ThemeOf(HttpContext);
        Tokens = await userService.ListTokensAsync(ct);
        CurrentPassword = NewPassword = null;
        TokenName = null;
        return Page();
    }
}
