using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Clients;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Nodes;

/// <summary>The fleet: every node in the user's scope, filtered by client and status (kept in the URL).</summary>
internal sealed class NodesIndexModel(NodeService nodes, ClientService clients, TenantScope scope, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Client { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Deleted { get; set; }

    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public NodeTableView Table { get; private set; } = null!;
    public bool IsAdmin => scope.IsAdmin;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Clients = await clients.ListAsync(ct);
        IReadOnlyList<NodeDto> list;
        try
        {
            list = await nodes.ListAsync(Client, ct);
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        if (!string.IsNullOrEmpty(Status))
        {
            list = list.Where(n => FleetFormat.Name(n.Status) == Status).ToList();
        }
        Table = new NodeTableView(list, Clients.ToDictionary(c => c.Id, c => c.Name), time.GetUtcNow(), true);
        return Page();
    }
}
