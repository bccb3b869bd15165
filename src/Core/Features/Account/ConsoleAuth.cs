using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Socme.Core.Data;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Auth;
using Socme.Core.Web;

namespace Socme.Core.Features.Account;

/// <summary>
/// The console's cookie sessions. The REST API never reads these cookies (its policies name the bearer scheme
/// only), and the console never reads bearer tokens: a browser session cannot be ridden by a cross-site API call,
/// and an API token cannot open the console.
/// </summary>
/// <remarks>
/// The session cookie holds the user id and the security stamp only. Every request reloads the user
/// (<see cref="ValidateSessionAsync"/>): a disabled user, a changed password, "sign out everywhere" or a 2FA reset
/// (each changes the stamp) ends every session at once, and a changed role or client scope applies at the next
/// request.
/// </remarks>
internal static class ConsoleAuth
{
    public const string Scheme = "Console";
    /// <summary>The short-lived step between a right password and the second factor.</summary>
    public const string TwoFactorScheme = "ConsoleTwoFactor";
    public const string SignInPath = "/account/sign-in";

    public static IServiceCollection AddConsoleAuth(this IServiceCollection services)
    {
        services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthentication()
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = "socme_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.LoginPath = SignInPath;
                o.AccessDeniedPath = "/account/denied";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
                o.Events.OnRedirectToLogin = ctx => RedirectOrTellHtmx(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => RedirectOrTellHtmx(ctx, StatusCodes.Status403Forbidden);
            })
            .AddCookie(TwoFactorScheme, o =>
            {
                o.Cookie.Name = "socme_2fa";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = false;
                o.LoginPath = SignInPath;
            });
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<ConsoleOptions>>((o, console) => o.ExpireTimeSpan = console.Value.SessionIdleTimeout);
        services.AddOptions<CookieAuthenticationOptions>(TwoFactorScheme).Configure<IOptions<ConsoleOptions>>((o, console) => o.ExpireTimeSpan = console.Value.TwoFactorStepTimeout);

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.ConsoleUser, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(SocmeClaims.Kind, SocmeClaims.KindUser))
            .AddPolicy(Policies.ConsoleStaff, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(SocmeClaims.Kind, SocmeClaims.KindUser)
                .RequireClaim(SocmeClaims.Role, nameof(UserRole.Admin), nameof(UserRole.Analyst)))
            .AddPolicy(Policies.ConsoleAdmin, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(SocmeClaims.Kind, SocmeClaims.KindUser)
                .RequireClaim(SocmeClaims.Role, nameof(UserRole.Admin)));

        // Authenticator keys and recovery codes are encrypted at rest (Identity stores them in plain text).
        services.Replace(ServiceDescriptor.Scoped<IUserStore<User>, ProtectedUserStore>());
        services.AddScoped<CredentialCheck>();
        services.AddScoped<ConsoleSignIn>();
        return services;
    }

    /// <summary>The session's principal: the user's id and security stamp, expanded on each request.</summary>
    public static ClaimsPrincipal SessionPrincipal(User user) => new(new ClaimsIdentity(
    [
        new Claim(SocmeClaims.Kind, SocmeClaims.KindUser),
        new Claim(SocmeClaims.UserId, user.Id.ToString()),
        new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
        new Claim(SocmeClaims.SecurityStamp, user.SecurityStamp ?? ""),
    ], Scheme));

    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext ctx)
    {
        var id = ctx.Principal?.FindFirstValue(SocmeClaims.UserId);
        var stamp = ctx.Principal?.FindFirstValue(SocmeClaims.SecurityStamp);
        var db = ctx.HttpContext.RequestServices.GetRequiredService<SocmeDbContext>();
        var user = Guid.TryParse(id, out var userId)
            ? await db.Users.AsNoTracking().Include(u => u.ClientScopes).FirstOrDefaultAsync(u => u.Id == userId, ctx.HttpContext.RequestAborted)
            : null;
        if (user is null || user.Disabled || string.IsNullOrEmpty(stamp) || !string.Equals(user.SecurityStamp, stamp, StringComparison.Ordinal))
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(Scheme);
            return;
        }
        var principal = BearerTokenHandler.UserPrincipal(user, Scheme);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(SocmeClaims.SecurityStamp, stamp));
        var console = ctx.HttpContext.RequestServices.GetRequiredService<IOptions<ConsoleOptions>>().Value;
        if (!user.TwoFactorEnabled && console.TwoFactorRequiredRoles.Contains(user.Role))
        {
            identity.AddClaim(new Claim(SocmeClaims.TwoFactorSetupRequired, "true"));
        }
        // Replaces the principal for this request only: the cookie keeps the id and the stamp.
        ctx.Principal = principal;
    }

    /// <summary>An htmx request gets 401/403 and <c>HX-Redirect</c> (a 302 would swap the sign-in page into a fragment).</summary>
    private static Task RedirectOrTellHtmx(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Headers.ContainsKey("HX-Request"))
        {
            ctx.Response.StatusCode = status;
            ctx.Response.Headers["HX-Redirect"] = ctx.RedirectUri;
            return Task.CompletedTask;
        }
        if (ctx.Request.Path.StartsWithSegments("/events", StringComparison.OrdinalIgnoreCase))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
