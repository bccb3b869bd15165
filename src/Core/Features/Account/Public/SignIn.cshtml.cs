using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Account.Public;

/// <summary>The first step of signing in: email and password.</summary>
[EnableRateLimiting(LoginEndpoints.LoginRateLimit)]
internal sealed class SignInModel(ConsoleSignIn signIn) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        (await HttpContext.AuthenticateAsync(ConsoleAuth.Scheme)).Succeeded ? LocalRedirect(SafeReturnUrl(ReturnUrl)) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        switch (await signIn.PasswordAsync(Email, Password, ct))
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(SafeReturnUrl(ReturnUrl));
            case SignInOutcome.SecondFactorNeeded:
                return RedirectToPage("/Account/Public/SignInCode", new { returnUrl = SafeReturnUrl(ReturnUrl) });
            case SignInOutcome.LockedOut:
                Error = "Too many failed attempts: the account is locked for a while.";
                break;
            default:
                Error = "The email or password is wrong.";
                break;
        }
        Password = null;
        return Page();
    }

    /// <summary>Only a local path: never an absolute URL, a scheme-relative <c>//host</c> or a backslash trick.</summary>
    public static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.StartsWith("/\\", StringComparison.Ordinal) && !url.Contains("://", StringComparison.Ordinal)
            ? url : "/";
}
