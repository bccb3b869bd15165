using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Core.Features.Users;

namespace Socme.Core.Features.Admin;

/// <summary>Every user's personal API tokens, with revoke.</summary>
internal sealed class TokensModel(UserService users) : PageModel
{
    public IReadOnlyList<OwnedApiToken> Tokens { get; private set; } = [];
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Tokens = await users.ListAllTokensAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tokenId, CancellationToken ct)
    {
        await users.RevokeAnyTokenAsync(tokenId, ct);
        Message = "The token is revoked.";
        Tokens = await users.ListAllTokensAsync(ct);
        return Page();
    }
}
