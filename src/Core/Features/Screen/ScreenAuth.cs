using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Socme.Core.Data;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Auth;
using Socme.Core.Web;

namespace Socme.Core.Features.Screen;

/// <summary>
/// The wall screen's authentication: a screen token (<c>/screen?token=…</c>, scheme <see cref="TokenScheme"/>) is
/// exchanged once for an HttpOnly cookie scoped to <c>/screen</c> (scheme <see cref="CookieScheme"/>), which holds the
/// token's id only and is checked against the <c>screen_tokens</c> row on every request. Both give a principal of kind
/// <see cref="SocmeClaims.KindScreen"/> with the token's client scope.
/// </summary>
/// <remarks>
/// The screen policy names these two schemes only, so a console session cookie or an API token never opens the
/// screen (no admin preview: an admin creates a screen token to see it), and every other page and endpoint names
/// other schemes (the console cookie, the bearer token), so a screen token opens nothing else: the bearer handler does
/// not know the <c>socme_screen_</c> prefix, and the screen cookie is not even sent outside <c>/screen</c>.
/// </remarks>
internal static class ScreenAuth
{
    public const string CookieScheme = "Screen";
    public const string TokenScheme = "ScreenToken";
    public const string Policy = "screen";
    public const string Path = "/screen";
    public const string TokenIdClaim = "socme:screen_token";

    /// <summary>How often an open event stream re-checks that its token is not revoked.</summary>
    private static readonly TimeSpan RevocationCheck = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddScreen(this IServiceCollection services)
    {
        services.AddScoped<ScreenTokenService>();
        services.AddAuthentication()
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "socme_screen";
                o.Cookie.Path = Path;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // A wall screen stays on for months; revocation (checked on every request) is what ends it.
                o.ExpireTimeSpan = TimeSpan.FromDays(365);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = ValidateAsync;
                o.Events.OnRedirectToLogin = ctx =>
                {
                    ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToAccessDenied = ctx =>
                {
                    ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ScreenTokenHandler>(TokenScheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(CookieScheme, TokenScheme).RequireClaim(SocmeClaims.Kind, SocmeClaims.KindScreen));
        // The screen's pages take the screen policy instead of the console's (which every other page folder has).
        services.Configure<RazorPagesOptions>(o => o.Conventions.AddFolderApplicationModelConvention("/Screen", model =>
        {
            for (var i = model.EndpointMetadata.Count - 1; i >= 0; i--)
            {
                if (model.EndpointMetadata[i] is IAuthorizeData or IAllowAnonymous)
                {
                    model.EndpointMetadata.RemoveAt(i);
                }
            }
            model.EndpointMetadata.Add(new AuthorizeAttribute(Policy));
        }));
        return services;
    }

    /// <summary><c>GET /screen/events</c>: what arrived that this screen may see, as Server-Sent Events.</summary>
    public static IEndpointRouteBuilder MapScreen(this IEndpointRouteBuilder app)
    {
        app.MapGet("/screen/events", async (HttpContext http, LiveAlertFeed feed, TenantScope scope, IServiceScopeFactory scopes, TimeProvider time) =>
            {
                var tokenId = Guid.Parse(http.User.FindFirstValue(TokenIdClaim) ?? throw new InvalidOperationException("A screen principal without its token id."));
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
                var guard = AbortWhenRevokedAsync(http, tokenId, scopes, time, stop.Token);
                using (var subscription = feed.Subscribe(scope))
                {
                    await ServerSentEvents.StreamAsync(http, subscription, batch => new
                    {
                        count = batch.Count,
                        newestId = batch.Max(a => a.Id),
                        maxBand = batch.Max(a => a.Band).ToString().ToLowerInvariant(),
                    });
                }
                await stop.CancelAsync();
                await guard;
            })
            .RequireAuthorization(Policy).ExcludeFromDescription();
        return app;
    }

    /// <summary>The principal of a live screen token.</summary>
    public static ClaimsPrincipal Principal(ScreenToken token, string scheme)
    {
        ArgumentNullException.ThrowIfNull(token);
        var claims = new List<Claim>
        {
            new(SocmeClaims.Kind, SocmeClaims.KindScreen),
            new(TokenIdClaim, token.Id.ToString()),
            new(ClaimTypes.NameIdentifier, "screen:" + token.Id),
        };
        claims.Add(token.ClientId is { } clientId ? new Claim(SocmeClaims.Client, clientId.ToString()) : new Claim(SocmeClaims.AllClients, "true"));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>The cookie holds the token id: the token must still exist and not be revoked; its scope is re-read.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var db = ctx.HttpContext.RequestServices.GetRequiredService<SocmeDbContext>();
        var token = Guid.TryParse(ctx.Principal?.FindFirstValue(TokenIdClaim), out var id)
            ? await db.ScreenTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && t.RevokedAt == null, ctx.HttpContext.RequestAborted)
            : null;
        if (token is null)
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(CookieScheme);
            return;
        }
        var time = ctx.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        await TouchAsync(db, token, time, ctx.HttpContext.RequestAborted);
        ctx.Principal = Principal(token, CookieScheme);
    }

    internal static async Task TouchAsync(SocmeDbContext db, ScreenToken token, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (token.LastUsedAt is null || now - token.LastUsedAt > ScreenTokenService.LastUsedResolution)
        {
            await db.ScreenTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
    }

    /// <summary>Ends an open event stream when its token is revoked (the browser's reconnection then gets 401).</summary>
    private static async Task AbortWhenRevokedAsync(HttpContext http, Guid tokenId, IServiceScopeFactory scopes, TimeProvider time, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(RevocationCheck, time);
            while (await timer.WaitForNextTickAsync(ct))
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();
                if (!await db.ScreenTokens.AnyAsync(t => t.Id == tokenId && t.RevokedAt == null, ct))
                {
                    http.Abort();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The stream ended first.
        }
    }
}

/// <summary>
/// Authenticates the screen token in <c>GET /screen?token=…</c> (and nowhere else) so the screen page can exchange it
/// for the cookie; its challenge answers 401, with a short page saying the screen is not open for a browser.
/// </summary>
internal sealed class ScreenTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    SocmeDbContext db, TimeProvider time, IStringLocalizer<Ui> text)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!HttpMethods.IsGet(Request.Method) || !string.Equals(Request.Path.Value, ScreenAuth.Path, StringComparison.OrdinalIgnoreCase)
            || !Request.Query.TryGetValue("token", out var values))
        {
            return AuthenticateResult.NoResult();
        }
        var token = await ScreenTokenService.FindLiveAsync(db, values.ToString(), Context.RequestAborted);
        if (token is null)
        {
            return AuthenticateResult.Fail("Invalid or revoked screen token.");
        }
        await ScreenAuth.TouchAsync(db, token, time, Context.RequestAborted);
        return AuthenticateResult.Success(new AuthenticationTicket(ScreenAuth.Principal(token, Scheme.Name), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (Response.HasStarted || !HttpMethods.IsGet(Request.Method) || Request.Query.ContainsKey("handler")
            || !string.Equals(Request.Path.Value, ScreenAuth.Path, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        // The screen page itself: say so on the TV rather than show a blank 401.
        var lang = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        Response.ContentType = "text/html; charset=utf-8";
        Response.Headers.CacheControl = "no-store";
        await Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="{HtmlEncoder.Default.Encode(lang)}"><head><meta charset="utf-8"><title>SOCme</title>
            <link rel="stylesheet" href="/css/screen.css"></head>
            <body class="screen"><main class="screen-locked" data-testid="screen-locked">
            <h1>{HtmlEncoder.Default.Encode(text["This screen is not open"])}</h1>
            <p>{HtmlEncoder.Default.Encode(text["Its screen token is missing, wrong or was revoked. An administrator creates a screen link under Administration › Screens."])}</p>
            </main></body></html>
            """, Context.RequestAborted);
    }
}
