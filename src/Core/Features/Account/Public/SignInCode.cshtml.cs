using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Account.Public;

/// <summary>The second step of signing in: a TOTP code or a recovery code.</summary>
[EnableRateLimiting(LoginEndpoints.LoginRateLimit)]
internal sealed class SignInCodeModel(ConsoleSignIn signIn) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var step = await HttpContext.AuthenticateAsync(ConsoleAuth.TwoFactorScheme);
        return step.Succeeded ? Page() : RedirectToPage("/Account/Public/SignIn");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        switch (await signIn.SecondFactorAsync(Code, ct))
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(SignInModel.SafeReturnUrl(ReturnUrl));
            case SignInOutcome.Expired:
                return RedirectToPage("/Account/Public/SignIn");
            case SignInOutcome.LockedOut:
                Error = "Too many failed attempts: the account is locked for a while.";
                break;
            default:
                Error = "The code is wrong or was already used.";
                break;
        }
        Code = null;
        return Page();
    }
}
