using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Overview;

namespace Socme.Core.Features.Screen;

/// <summary>
/// The wall screen: per-client tiles (nodes by status, open alerts by band) and a ticker of the newest high and critical
/// alerts of the last 24 hours, within the screen token's scope. <c>?token=</c> is swapped for the screen cookie;
/// <c>?handler=Tiles</c> answers the body alone (what <c>screen.js</c> fetches on each live event).
/// </summary>
internal sealed class ScreenModel(OverviewService overview) : PageModel
{
    public const int TickerLength = 8;

    public IReadOnlyList<ClientTileDto> Tiles { get; private set; } = [];
    public IReadOnlyList<AlertDto> Ticker { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> ClientNames { get; private set; } = new Dictionary<Guid, string>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Request.Query.ContainsKey("token"))
        {
            // Opened with the token: keep its id in the cookie and take the token out of the address bar and history.
            var byToken = await HttpContext.AuthenticateAsync(ScreenAuth.TokenScheme);
            if (byToken.Principal?.FindFirstValue(ScreenAuth.TokenIdClaim) is { } tokenId)
            {
                var session = new ClaimsIdentity(
                [
                    new Claim(SocmeClaims.Kind, SocmeClaims.KindScreen),
                    new Claim(ScreenAuth.TokenIdClaim, tokenId),
                ], ScreenAuth.CookieScheme);
                await HttpContext.SignInAsync(ScreenAuth.CookieScheme, new ClaimsPrincipal(session),
                    new AuthenticationProperties { IsPersistent = true });
            }
            return Redirect(ScreenAuth.Path);
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnGetTilesAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Response.Headers.CacheControl = "no-store";
        return Partial("_ScreenBody", this);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var data = await overview.GetAsync(new OverviewQuery { Range = "24h", Top = 1, Newest = TickerLength }, ct);
        Tiles = data.Clients;
        Ticker = data.NewestHighAndCritical;
        ClientNames = data.Clients.ToDictionary(c => c.ClientId, c => c.Name);
    }
}
