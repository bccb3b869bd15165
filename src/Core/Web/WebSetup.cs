using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.FileProviders;
using Socme.Core.Features.Account;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Screen;

namespace Socme.Core.Web;

/// <summary>
/// The web console: Razor Pages under <c>Features/</c> (each feature folder holds its pages beside its service),
/// its static files, antiforgery, localization (English, French) and the security headers.
/// </summary>
internal static class WebSetup
{
    public static readonly CultureInfo[] Cultures = [new("en"), new("fr")];

    /// <summary>Where the build puts the console's static files (<c>Web/WebAssets.targets</c>).</summary>
    public static string WebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static IServiceCollection AddSocmeWeb(this IServiceCollection services)
    {
        services.AddConsoleAuth();
        services.AddLocalization();
        services.AddSingleton<LiveAlertFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveAlertFeed>());
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "socme_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            // htmx sends the token in this header (hx-headers on <body>); forms send the hidden field.
            o.HeaderName = "RequestVerificationToken";
        });
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
            o.Conventions.AuthorizeFolder("/", Policies.ConsoleUser);
            o.Conventions.AllowAnonymousToFolder("/Account/Public");
            o.Conventions.AuthorizeFolder("/Admin", Policies.ConsoleAdmin);
            o.Conventions.ConfigureFilter(new TwoFactorSetupFilter());
        });
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            // The culture cookie (set by the language switch and at sign-in), then the browser's languages.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        services.AddScreen();
        return services;
    }

    /// <summary>Security headers and static files: before authentication, so files cost no session lookup.</summary>
    public static IApplicationBuilder UseSocmeWebBeforeAuth(this IApplicationBuilder app)
    {
        app.UseSecurityHeaders();
        if (Directory.Exists(WebRoot))
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(WebRoot),
                OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl =
                    ctx.Context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache",
            });
        }
        app.UseRequestLocalization();
        return app;
    }

    public static IEndpointRouteBuilder MapSocmeWeb(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        // The console's live feed: what arrived that this user may see, as Server-Sent Events.
        app.MapGet("/events", async (HttpContext http, LiveAlertFeed feed, TenantScope scope) =>
            {
                using var subscription = feed.Subscribe(scope);
                await ServerSentEvents.StreamAsync(http, subscription, batch => new
                {
                    count = batch.Count,
                    newestId = batch.Max(a => a.Id),
                    maxBand = batch.Max(a => a.Band).ToString().ToLowerInvariant(),
                });
            })
            .RequireAuthorization(Policies.ConsoleUser).ExcludeFromDescription();
        app.MapScreen();
        return app;
    }
}

/// <summary>
/// Sends a user whose role requires 2FA, and who has not set it up, to the 2FA set-up page before anything else.
/// </summary>
internal sealed class TwoFactorSetupFilter : Microsoft.AspNetCore.Mvc.Filters.IAsyncPageFilter
{
    private static readonly string[] Allowed = ["/Account/TwoFactor", "/Account/SignOut"];

    public Task OnPageHandlerSelectionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context, Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var page = context.ActionDescriptor.ViewEnginePath;
        if (context.HttpContext.User.HasClaim(SocmeClaims.TwoFactorSetupRequired, "true") && !Allowed.Contains(page, StringComparer.OrdinalIgnoreCase))
        {
            context.Result = new Microsoft.AspNetCore.Mvc.RedirectToPageResult("/Account/TwoFactor");
            return;
        }
        await next();
    }
}
