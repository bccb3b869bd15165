using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Clients;
using Socme.Core.Features.Nodes;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Alerts;

/// <summary>
/// The alert inbox: grouped (by source, rule, source and destination) or flat, filtered by what the URL says, with
/// bulk triage on a selection or on whole groups. htmx requests get the table alone (<c>_InboxTable</c>).
/// </summary>
internal sealed class InboxModel(AlertService alerts, ClientService clients, NodeService nodes, Notifications.DeliveryService escalations, TenantScope scope,
    TimeProvider time) : PageModel
{
    /// <summary>The statuses "open" stands for (everything not closed).</summary>
    public const string OpenStatuses = "new,acknowledged,in_progress,escalated";
    public static readonly string[] Ranges = ["1h", "24h", "7d", "30d"];

    [BindProperty(SupportsGet = true)] public string? View { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Client { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Node { get; set; }
    [BindProperty(SupportsGet = true)] public string? Source { get; set; }
    [BindProperty(SupportsGet = true)] public string? Band { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Verdict { get; set; }
    [BindProperty(SupportsGet = true)] public string? Assignee { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Range { get; set; }
    [BindProperty(SupportsGet = true)] public string? Group { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public bool Grouped => View != "flat";
    public IReadOnlyList<AlertDto> Items { get; private set; } = [];
    public IReadOnlyList<AlertGroupDto> Groups { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public IReadOnlyDictionary<Guid, string> ClientNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyDictionary<Guid, string> NodeNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public bool CanTriage => scope.Kind == SocmeClaims.KindUser;
    public bool IsStaff => scope.IsStaff;
    public string? Error { get; private set; }
    public string? Notice { get; private set; }
    /// <summary>The notice's sentence (a resource key with {0} for <see cref="Notice"/>).</summary>
    public string NoticeFormat { get; private set; } = "{0} alert(s) updated.";
    /// <summary>The newest alert id shown: the live bar counts what arrived after it.</summary>
    public long NewestId { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Request.Headers.ContainsKey("HX-Request") && Request.Headers["HX-Target"] == "inbox"
            ? Partial("_InboxTable", this)
            : Page();
    }

    /// <summary>
    /// A bulk change on the checked alerts (flat) or the checked groups (grouped: every alert of each group). The
    /// form's own fields are named apart from the filter's (closeVerdict, addTag): the filter comes from the URL.
    /// </summary>
    public async Task<IActionResult> OnPostBulkAsync([FromForm] long[]? ids, [FromForm] string[]? groups, [FromForm] string? action,
        [FromForm] string? closeVerdict, [FromForm] string? addTag, CancellationToken ct)
    {
        var update = TriageAction.Update(action, scope.UserId, closeVerdict is { Length: > 0 } ? closeVerdict : null)
            ?? (action == "tag" && !string.IsNullOrWhiteSpace(addTag) ? new AlertUpdateRequest { AddTags = [addTag.Trim()] } : null);
        if (action == "thehive")
        {
            await EscalateAsync(ids, groups, ct);
        }
        else if (update is null)
        {
            Error = "Choose an action.";
        }
        else if ((ids is null || ids.Length == 0) && (groups is null || groups.Length == 0))
        {
            Error = "Select alerts or groups first.";
        }
        else
        {
            try
            {
                var total = 0;
                if (ids is { Length: > 0 })
                {
                    total += (await alerts.BulkUpdateAsync(new BulkAlertUpdateRequest(ids, null, update), ct)).Updated;
                }
                foreach (var group in groups ?? [])
                {
                    total += (await alerts.BulkUpdateAsync(new BulkAlertUpdateRequest(null, Filter(), update) { Group = group }, ct)).Updated;
                }
                Notice = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (ApiException e)
            {
                Error = e.Message;
            }
        }
        if (!Request.Headers.ContainsKey("HX-Request"))
        {
            return Redirect(Url.Page("/Alerts/Inbox", Query()) ?? "/alerts");
        }
        await LoadAsync(ct);
        return Partial("_InboxTable", this);
    }

    /// <summary>Queues the selected alerts (or the alerts of the selected groups, at most 1,000) for TheHive, each once.</summary>
    private async Task EscalateAsync(long[]? ids, string[]? groups, CancellationToken ct)
    {
        try
        {
            var selected = new List<long>(ids ?? []);
            foreach (var group in groups ?? [])
            {
                var filter = Filter() with { Group = group };
                selected.AddRange((await alerts.ListAsync(AlertGroups.WithGroupRange(filter, time.GetUtcNow()), 1000, null, ct)).Items.Select(a => a.Id));
            }
            if (selected.Count == 0)
            {
                Error = "Select alerts or groups first.";
                return;
            }
            Notice = (await escalations.EscalateAsync(selected.Distinct().Take(1000).ToList(), ct)).Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            NoticeFormat = "{0} alert(s) queued for TheHive.";
        }
        catch (ApiException e)
        {
            Error = e.Message;
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Clients = await clients.ListAsync(ct);
        ClientNames = Clients.ToDictionary(c => c.Id, c => c.Name);
        NodeNames = (await nodes.ListAsync(null, ct)).ToDictionary(n => n.Id, n => n.Name);
        try
        {
            if (Grouped)
            {
                var page = await alerts.ListGroupsAsync(Filter(), 100, Cursor, ct);
                Groups = page.Items;
                NextCursor = page.NextCursor;
                NewestId = Groups.Count == 0 ? 0 : Groups.Max(g => g.NewestAlertId);
            }
            else
            {
                var page = await alerts.ListAsync(Filter(), 100, Cursor, ct);
                Items = page.Items;
                NextCursor = page.NextCursor;
                NewestId = Items.Count == 0 ? 0 : Items.Max(a => a.Id);
            }
        }
        catch (ApiException e)
        {
            Error = e.Message;
        }
    }

    /// <summary>The filter the URL describes; "open" (the default status) is everything not closed, "all" no status filter.</summary>
    public AlertFilter Filter()
    {
        var now = time.GetUtcNow();
        DateTimeOffset? from = Range switch
        {
            "1h" => now.AddHours(-1),
            "24h" => now.AddHours(-24),
            "7d" => now.AddDays(-7),
            "30d" => now.AddDays(-30),
            _ => null,
        };
        var status = Status switch
        {
            null or "" or "open" => OpenStatuses,
            "all" => null,
            _ => Status,
        };
        return new AlertFilter
        {
            ClientId = Client, NodeId = Node, Source = Empty(Source), Band = Empty(Band), Status = status, Verdict = Empty(Verdict),
            Assignee = Empty(Assignee), Q = Empty(Q), From = from, Group = Empty(Group),
        };
    }

    /// <summary>The current URL's filter as route values (for links that keep it).</summary>
    public Dictionary<string, string?> Query(string? cursor = null, string? view = null, string? group = null)
    {
        var q = new Dictionary<string, string?>
        {
            ["view"] = view ?? View, ["client"] = Client?.ToString(), ["node"] = Node?.ToString(), ["source"] = Empty(Source),
            ["band"] = Empty(Band), ["status"] = Empty(Status), ["verdict"] = Empty(Verdict), ["assignee"] = Empty(Assignee),
            ["q"] = Empty(Q), ["range"] = Empty(Range), ["group"] = group ?? Empty(Group), ["cursor"] = cursor,
        };
        return q.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    public string Link(string? cursor = null, string? view = null, string? group = null) =>
        "/alerts" + Microsoft.AspNetCore.Http.QueryString.Create(Query(cursor, view, group));

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
