using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;

namespace Socme.Core.Features.Overview;

/// <summary>
/// The console's home: alerts over time by band, client tiles, top rules, the MITRE ATT&amp;CK heat map and the newest
/// high and critical alerts, all within the user's tenant scope; refreshed live (overview.js, <c>/events</c>).
/// </summary>
internal sealed class IndexModel(OverviewService overview) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Range { get; set; }

    public OverviewDto Data { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Data = await overview.GetAsync(new OverviewQuery { Range = Range is "7d" ? "7d" : "24h", Newest = 12, Top = 10 }, ct);
        return Request.Headers.ContainsKey("HX-Request") ? Partial("_OverviewBody", this) : Page();
    }

    /// <summary>Heat level 0–5 of a count against the largest count (CSS classes heat-0 … heat-5).</summary>
    public static int Heat(long count, long max) => count <= 0 || max <= 0 ? 0 : (int)Math.Clamp(Math.Ceiling(5.0 * count / max), 1, 5);
}
