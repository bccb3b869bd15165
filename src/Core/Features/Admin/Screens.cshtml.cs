using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Clients;
using Socme.Core.Features.Screen;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Admin;

/// <summary>Screen tokens: create (the token and the screen's address are shown once), list, revoke.</summary>
internal sealed class ScreensModel(ScreenTokenService screens, ClientService clients) : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public Guid? ClientId { get; set; }

    public IReadOnlyList<ScreenTokenDto> Tokens { get; private set; } = [];
    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public CreatedScreenTokenDto? Created { get; private set; }
    public string? ScreenUrl { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        try
        {
            Created = await screens.CreateAsync(new CreateScreenTokenRequest(Name ?? "", ClientId), ct);
            ScreenUrl = $"{Request.Scheme}://{Request.Host}{Created.ScreenPath}";
            Name = null;
        }
        catch (ApiException e)
        {
            Error = e.Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(x => x.Value)) : e.Message;
        }
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tokenId, CancellationToken ct)
    {
        await screens.RevokeAsync(tokenId, ct);
        Message = "The screen token is revoked: the screen shows so within seconds.";
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Tokens = await screens.ListAsync(ct);
        Clients = await clients.ListAsync(ct);
        return Page();
    }

    public string ClientName(Guid? id) => id is { } c ? Clients.FirstOrDefault(x => x.Id == c)?.Name ?? c.ToString() : "";
}
