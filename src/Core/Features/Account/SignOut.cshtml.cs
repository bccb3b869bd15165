using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Socme.Core.Features.Account;

/// <summary>Ends this session, or every session of the user ("sign out everywhere" changes the security stamp).</summary>
internal sealed class SignOutModel(ConsoleSignIn signIn) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(bool everywhere, CancellationToken ct)
    {
        await signIn.SignOutAsync(everywhere, ct);
        return Redirect(ConsoleAuth.SignInPath);
    }
}
