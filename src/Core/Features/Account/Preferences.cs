using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Socme.Core.Data.Identity;

namespace Socme.Core.Features.Account;

/// <summary>The console's themes.</summary>
public enum Theme
{
    /// <summary>Follows the operating system (prefers-color-scheme).</summary>
    Auto,
    Light,
    Dark,
}

/// <summary>A user's language and theme.</summary>
internal sealed record UserPreferences(string? Language, Theme Theme);

/// <summary>
/// The language and theme: kept on the user (as Identity user claims, so they follow the user to any browser) and
/// in two cookies of this browser, which the pages read (the culture cookie through request localization).
/// </summary>
internal static class Preferences
{
    public static readonly string[] Languages = ["en", "fr"];
    public const string LanguageClaim = "socme:pref:language";
    public const string ThemeClaim = "socme:pref:theme";
    public const string ThemeCookie = "socme_theme";

    public static async Task<UserPreferences> ReadAsync(UserManager<User> users, User user)
    {
        var claims = await users.GetClaimsAsync(user);
        var language = claims.FirstOrDefault(c => c.Type == LanguageClaim)?.Value;
        var theme = Enum.TryParse<Theme>(claims.FirstOrDefault(c => c.Type == ThemeClaim)?.Value, true, out var t) ? t : Theme.Auto;
        return new UserPreferences(Languages.Contains(language) ? language : null, theme);
    }

    public static async Task SaveAsync(UserManager<User> users, User user, string type, string value)
    {
        var existing = (await users.GetClaimsAsync(user)).Where(c => c.Type == type).ToList();
        if (existing.Count > 0)
        {
            await users.RemoveClaimsAsync(user, existing);
        }
        await users.AddClaimAsync(user, new Claim(type, value));
    }

    public static void ApplyToBrowser(HttpContext http, UserPreferences prefs)
    {
        if (prefs.Language is { } language)
        {
            SetLanguageCookie(http, language);
        }
        SetThemeCookie(http, prefs.Theme);
    }

    public static void SetLanguageCookie(HttpContext http, string language) =>
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)), CookieOptions(http));

    public static void SetThemeCookie(HttpContext http, Theme theme) =>
        http.Response.Cookies.Append(ThemeCookie, theme.ToString().ToLowerInvariant(), CookieOptions(http));

    /// <summary>The theme of this request (the cookie; auto when none).</summary>
    public static Theme ThemeOf(HttpContext http) =>
        Enum.TryParse<Theme>(http.Request.Cookies[ThemeCookie], true, out var t) ? t : Theme.Auto;

    private static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps,
        MaxAge = TimeSpan.FromDays(365),
        IsEssential = true,
    };
}
