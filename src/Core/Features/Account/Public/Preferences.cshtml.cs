using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Account.Public;

/// <summary>
/// <c>POST /account/language</c> and <c>POST /account/theme</c>: set this browser's cookie, and the user's saved
/// preference when signed in. Open before sign-in too (the sign-in page has the language choice).
/// </summary>
internal sealed class PreferencesModel(UserManager<User> users) : PageModel
{
    public IActionResult OnGet() => NotFound();

    public async Task<IActionResult> OnPostLanguageAsync(string? language, string? returnUrl)
    {
        if (language is null || !Preferences.Languages.Contains(language))
        {
            return BadRequest();
        }
        Preferences.SetLanguageCookie(HttpContext, language);
        await SaveAsync(Preferences.LanguageClaim, language);
        return LocalRedirect(SignInModel.SafeReturnUrl(returnUrl));
    }

    public async Task<IActionResult> OnPostThemeAsync(string? theme, string? returnUrl)
    {
        if (!Enum.TryParse<Theme>(theme, true, out var t) || !Enum.IsDefined(t))
        {
            return BadRequest();
        }
        Preferences.SetThemeCookie(HttpContext, t);
        await SaveAsync(Preferences.ThemeClaim, t.ToString().ToLowerInvariant());
        return LocalRedirect(SignInModel.SafeReturnUrl(returnUrl));
    }

    private async Task SaveAsync(string type, string value)
    {
        // The console session is not this page's scheme (the folder is anonymous): read it explicitly.
        var session = await HttpContext.AuthenticateAsync(ConsoleAuth.Scheme);
        var id = session.Principal?.FindFirst(SocmeClaims.UserId)?.Value;
        if (id is not null && await users.FindByIdAsync(id) is { } user)
        {
            await Preferences.SaveAsync(users, user, type, value);
        }
    }
}
