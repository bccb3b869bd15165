using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Socme.Core.Features;

/// <summary>The console's start: the alert inbox.</summary>
internal sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => Redirect("/alerts");
}
