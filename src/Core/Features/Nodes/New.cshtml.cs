using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Clients;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Nodes;

/// <summary>
/// "Enrol a node" (admin; anyone else gets 403): choose the client and a name, get the one-time code and the commands to
/// run on the node.
/// </summary>
internal sealed class NewNodeModel(NodeService nodes, ClientService clients, TenantScope scope) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Client { get; set; }
    [BindProperty] public string? Name { get; set; }

    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public EnrolmentView? Enrolment { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!scope.IsAdmin)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Clients = await clients.ListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!scope.IsAdmin)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Clients = await clients.ListAsync(ct);
        if (Client is not { } clientId)
        {
            Error = "Choose a client.";
            return Page();
        }
        try
        {
            var created = await nodes.CreateAsync(clientId, new CreateNodeRequest(Name ?? ""), ct);
            Enrolment = new EnrolmentView(created, CoreUrl.Of(Request));
        }
        catch (ApiException e) when (e.Status is 404 or 409 or 422)
        {
            Error = e.Errors?.Values.SelectMany(m => m).FirstOrDefault() ?? e.Message;
        }
        return Page();
    }
}
