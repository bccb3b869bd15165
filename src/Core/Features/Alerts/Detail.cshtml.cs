using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Clients;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Alerts;

/// <summary>One alert: its normalised fields, the raw JSON, MITRE links, history, comments, triage and related alerts.</summary>
internal sealed class DetailModel(AlertService alerts, ClientService clients, UserManager<User> users, TenantScope scope,
    Notifications.DeliveryService deliveries) : PageModel
{
    public const int RelatedCount = 8;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public AlertDetailDto Detail { get; private set; } = null!;
    public AlertDto Alert => Detail.Alert;
    public string ClientName { get; private set; } = "";
    public string? AssigneeName { get; private set; }
    public string RawJson { get; private set; } = "";
    public IReadOnlyList<(string Title, string Link, IReadOnlyList<AlertDto> Items)> Related { get; private set; } = [];
    public bool IsStaff => scope.IsStaff;
    public string? Error { get; private set; }

    [BindProperty]
    public string? Comment { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostTriageAsync(long id, string? action, string? verdict, string? verdictReason, string? tags, CancellationToken ct)
    {
        var update = TriageAction.Update(action, scope.UserId, Blank(verdict), Blank(verdictReason))
            ?? (action == "tags" ? new AlertUpdateRequest { Tags = (tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) } : null);
        return await ChangeAsync<AlertDto>(id, update is null ? null : token => alerts.UpdateAsync(id, update, token), ct);
    }

    public Task<IActionResult> OnPostCommentAsync(long id, CancellationToken ct) =>
        ChangeAsync(id, token => alerts.AddCommentAsync(id, new CreateCommentRequest(Comment ?? ""), token), ct);

    /// <summary>Queues the alert's escalation to TheHive (once per alert; its id and link show once TheHive answered).</summary>
    public Task<IActionResult> OnPostTheHiveAsync(long id, CancellationToken ct) =>
        ChangeAsync(id, token => deliveries.EscalateAsync([id], token), ct);

    /// <summary>The suppression form filled with this alert's client, rule id and source IP.</summary>
    public string SuppressLink => $"/notifications/suppressions?client={Alert.ClientId}&ruleId={Uri.EscapeDataString(Alert.RuleId ?? "")}" +
        $"&srcIp={Uri.EscapeDataString(Alert.SrcIp ?? "")}&alert={Alert.Id}#suppress";

    private async Task<IActionResult> ChangeAsync<T>(long id, Func<CancellationToken, Task<T>>? change, CancellationToken ct)
    {
        try
        {
            if (change is null)
            {
                Error = "Choose an action.";
            }
            else
            {
                await change(ct);
                return Redirect($"/alerts/{id}");
            }
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        catch (ApiException e)
        {
            Error = e.Message;
        }
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        try
        {
            Detail = await alerts.GetAsync(id, ct);
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return false;
        }
        ClientName = (await clients.GetAsync(Alert.ClientId, ct)).Name;
        if (Alert.AssigneeId is { } assignee)
        {
            var user = await users.FindByIdAsync(assignee.ToString());
            AssigneeName = user?.DisplayName ?? user?.Email;
        }
        RawJson = JsonSerializer.Serialize(Detail.Raw, Indented);
        var related = new List<(string, string, IReadOnlyList<AlertDto>)>();
        async Task AddAsync(string title, AlertFilter filter, string link)
        {
            var page = await alerts.ListAsync(filter with { Status = null }, RelatedCount + 1, null, ct);
            related.Add((title, link, page.Items.Where(a => a.Id != id).Take(RelatedCount).ToList()));
        }
        if (Alert.RuleId is { } rule)
        {
            await AddAsync("Same rule", new AlertFilter { RuleId = rule, ClientId = Alert.ClientId }, $"/alerts?view=flat&status=all&client={Alert.ClientId}&q={Uri.EscapeDataString(rule)}");
        }
        if (Alert.SrcIp is { } src)
        {
            await AddAsync("Same source", new AlertFilter { Q = src, ClientId = Alert.ClientId }, $"/alerts?view=flat&status=all&client={Alert.ClientId}&q={Uri.EscapeDataString(src)}");
        }
        if (Alert.AgentName is { } agent)
        {
            await AddAsync("Same agent", new AlertFilter { Q = agent, NodeId = Alert.NodeId }, $"/alerts?view=flat&status=all&node={Alert.NodeId}&q={Uri.EscapeDataString(agent)}");
        }
        Related = related;
        return true;
    }

    /// <summary>The MITRE ATT&amp;CK page of a technique (T1110, T1110.001) or a tactic id (TA0006).</summary>
    public static string? MitreUrl(string id)
    {
        if (id.StartsWith("TA", StringComparison.OrdinalIgnoreCase) && id.Length == 6)
        {
            return $"https://attack.mitre.org/tactics/{id.ToUpperInvariant()}/";
        }
        if (id.Length >= 5 && (id[0] is 'T' or 't') && char.IsAsciiDigit(id[1]))
        {
            return $"https://attack.mitre.org/techniques/{id.ToUpperInvariant().Replace('.', '/')}/";
        }
        return null;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
