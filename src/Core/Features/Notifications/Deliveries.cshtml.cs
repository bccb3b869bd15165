using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Clients;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Notifications;

/// <summary>The delivery log, newest first: filters in the URL, keyset paging, re-send of dead or delivered sends.</summary>
[Authorize(Policy = Policies.ConsoleStaff)]
internal sealed class DeliveriesModel(DeliveryService deliveries, NotificationRuleService rules, ChannelService channels, ClientService clients)
    : PageModel
{
    public const int PageSize = 50;
    public static readonly string[] States = ["pending", "delivered", "dead", "throttled", "in_digest", "digested"];

    [BindProperty(SupportsGet = true)] public Guid? Client { get; set; }
    [BindProperty(SupportsGet = true)] public string? State { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Rule { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Channel { get; set; }
    [BindProperty(SupportsGet = true)] public long? Alert { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public NotificationDeliveryPage Log { get; private set; } = new([], null);
    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public IReadOnlyList<NotificationRuleDto> Rules { get; private set; } = [];
    public IReadOnlyList<NotificationChannelDto> Channels { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostResendAsync(long deliveryId, CancellationToken ct)
    {
        try
        {
            await deliveries.ResendAsync(deliveryId, ct);
            return Redirect("/notifications/deliveries" + Query(Cursor) + (Query(Cursor).Length == 0 ? "?" : "&") + "resent=" + deliveryId);
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        catch (ApiException e)
        {
            Error = NotifyForm.Describe(e);
        }
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        if (Request.Query.ContainsKey("resent"))
        {
            Message = "The delivery is queued again.";
        }
        State = NotifyForm.Blank(State);
        try
        {
            Log = await deliveries.ListAsync(Client, State, Rule, Channel, Alert, PageSize, NotifyForm.Blank(Cursor), ct);
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        catch (ApiException e) when (e.Status is 400 or 422)
        {
            Error = NotifyForm.Describe(e);
        }
        Clients = await clients.ListAsync(ct);
        Rules = await rules.ListAsync(null, ct);
        Channels = await channels.ListAsync(null, ct);
        return Page();
    }

    /// <summary>The filters as a query string (with a cursor when given).</summary>
    public string Query(string? cursor)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("client", Client?.ToString());
        Add("state", State);
        Add("rule", Rule?.ToString());
        Add("channel", Channel?.ToString());
        Add("alert", Alert?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("cursor", cursor);
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    public string ClientName(Guid id) => Clients.FirstOrDefault(c => c.Id == id)?.Name ?? (id == Guid.Empty ? "SOC" : id.ToString()[..8]);

    public string? RuleName(Guid? id) => id is { } r ? Rules.FirstOrDefault(x => x.Id == r)?.Name ?? r.ToString()[..8] : null;

    public string? ChannelName(Guid? id) => id is { } c ? Channels.FirstOrDefault(x => x.Id == c)?.Name ?? c.ToString()[..8] : null;
}
