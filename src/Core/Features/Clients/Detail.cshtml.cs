using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Nodes;
using Socme.Core.Features.Overview;
using Socme.Core.Infrastructure;
using Socme.Core.Web;

namespace Socme.Core.Features.Clients;

/// <summary>
/// One client: its facts, contacts, nodes, open alerts and the alert volume of the last 7 days by band. An admin edits
/// the client and its contacts here; everyone else reads. Another tenant's client answers 404.
/// </summary>
internal sealed class ClientDetailModel(ClientService clients, NodeService nodes, OverviewService overview, TenantScope scope,
    TimeProvider time, IStringLocalizer<Ui> text) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public ContactForm Contact { get; set; } = new();

    public ClientDto Client { get; private set; } = null!;
    public IReadOnlyList<ClientContactDto> Contacts { get; private set; } = [];
    public IReadOnlyList<NodeDto> Nodes { get; private set; } = [];
    public ClientTileDto? Tile { get; private set; }
    public string ChartJson { get; private set; } = "{}";
    public DateTimeOffset Now { get; private set; }
    public bool IsAdmin => scope.IsAdmin;
    public string? Error { get; private set; }
    /// <summary>The contact whose form failed (kept open with the values typed), or <see cref="Guid.Empty"/> for the new-contact form.</summary>
    public Guid? FailedContact { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken ct)
    {
        Message = done switch
        {
            "saved" => "Saved.",
            "contact_added" => "The contact is added.",
            "contact_saved" => "The contact is saved.",
            "contact_removed" => "The contact is removed.",
            _ => null,
        };
        return await ShowAsync(ct);
    }

    public Task<IActionResult> OnPostUpdateAsync(CancellationToken ct) =>
        AdminAsync(() => clients.UpdateAsync(Id, new UpdateClientRequest(Name ?? "", Description ?? ""), ct), "saved", null, ct);

    public Task<IActionResult> OnPostAddContactAsync(CancellationToken ct) =>
        AdminAsync(() => clients.CreateContactAsync(Id, new CreateClientContactRequest(Contact.Name ?? "", Contact.Role, Contact.Email, Contact.Phone, Contact.Notes), ct),
            "contact_added", Guid.Empty, ct);

    public Task<IActionResult> OnPostEditContactAsync(Guid contactId, CancellationToken ct) =>
        AdminAsync(() => clients.UpdateContactAsync(Id, contactId,
                new UpdateClientContactRequest(Contact.Name ?? "", Contact.Role ?? "", Contact.Email ?? "", Contact.Phone ?? "", Contact.Notes ?? ""), ct),
            "contact_saved", contactId, ct);

    public Task<IActionResult> OnPostRemoveContactAsync(Guid contactId, CancellationToken ct) =>
        AdminAsync(async () => { await clients.DeleteContactAsync(Id, contactId, ct); return true; }, "contact_removed", null, ct);

    /// <summary>Runs an admin change: 403 for anyone else, 404 outside the scope, the form again with the message on 422/409.</summary>
    private async Task<IActionResult> AdminAsync<T>(Func<Task<T>> change, string done, Guid? form, CancellationToken ct)
    {
        if (!scope.IsAdmin)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        try
        {
            await change();
            return Redirect($"/clients/{Id}?done={done}");
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        catch (ApiException e) when (e.Status is 409 or 422)
        {
            Error = e.Errors?.Values.SelectMany(m => m).FirstOrDefault() ?? e.Message;
            FailedContact = form;
            return await ShowAsync(ct);
        }
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        try
        {
            Client = await clients.GetAsync(Id, ct);
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        Contacts = await clients.ListContactsAsync(Id, ct);
        Nodes = await nodes.ListAsync(Id, ct);
        Now = time.GetUtcNow();
        var o = await overview.GetAsync(new OverviewQuery { Range = "7d", Bucket = "1d", ClientId = Id, Top = 1, Newest = 0 }, ct);
        Tile = o.Clients.FirstOrDefault(t => t.ClientId == Id);
        ChartJson = JsonSerializer.Serialize(new
        {
            labels = o.Timeline.Select(b => b.Start.ToString("ddd d MMM", CultureInfo.CurrentCulture)),
            series = new object[]
            {
                new { band = "critical", label = text["critical"].Value, data = o.Timeline.Select(b => b.Counts.Critical) },
                new { band = "high", label = text["high"].Value, data = o.Timeline.Select(b => b.Counts.High) },
                new { band = "medium", label = text["medium"].Value, data = o.Timeline.Select(b => b.Counts.Medium) },
                new { band = "low", label = text["low"].Value, data = o.Timeline.Select(b => b.Counts.Low) },
            },
        });
        if (Error is null)
        {
            Name = Client.Name;
            Description = Client.Description;
            Contact = new ContactForm();
        }
        return Page();
    }

    /// <summary>The contact form's fields.</summary>
    public sealed class ContactForm
    {
        public string? Name { get; set; }
        public string? Role { get; set; }
        public string? Email { get; set; }
        public string? Phone { get; set; }
        public string? Notes { get; set; }
    }
}
