using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Overview;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Clients;

/// <summary>
/// The clients in the user's scope with their open alerts of the last 7 days by band and their nodes by status (the
/// overview's tiles); an admin also creates clients here.
/// </summary>
internal sealed class ClientsIndexModel(ClientService clients, OverviewService overview, TenantScope scope) : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }

    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public IReadOnlyDictionary<Guid, ClientTileDto> Tiles { get; private set; } = new Dictionary<Guid, ClientTileDto>();
    public bool IsAdmin => scope.IsAdmin;
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!scope.IsAdmin)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        try
        {
            var created = await clients.CreateAsync(new CreateClientRequest(Name ?? "", Description), ct);
            return Redirect($"/clients/{created.Id}");
        }
        catch (ApiException e) when (e.Status == 422)
        {
            Error = e.Errors?.Values.SelectMany(m => m).FirstOrDefault() ?? e.Message;
            await LoadAsync(ct);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Clients = await clients.ListAsync(ct);
        var o = await overview.GetAsync(new OverviewQuery { Range = "7d", Bucket = "1d", Top = 1, Newest = 0 }, ct);
        Tiles = o.Clients.ToDictionary(t => t.ClientId);
    }
}
