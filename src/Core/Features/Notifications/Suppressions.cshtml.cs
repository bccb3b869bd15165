using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Clients;
using Socme.Core.Features.Nodes;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// Suppressions: the rules that close (or acknowledge) what they match, with their match counters and expiry, and a quick
/// form that makes one (first in order, stop-processing, so the suppressed alerts notify no one). The alert page's
/// "Suppress similar…" opens the form filled with the alert's client, rule id and source IP.
/// </summary>
[Authorize(Policy = Policies.ConsoleStaff)]
internal sealed class SuppressionsModel(NotificationRuleService rules, ChannelService channels, ClientService clients, NodeService nodes,
    TenantScope scope, TimeProvider time) : PageModel
{
    public static readonly string[] ExpiryChoices = ["1h", "24h", "7d", "never"];

    [BindProperty(SupportsGet = true)] public Guid? Client { get; set; }
    [BindProperty(SupportsGet = true)] public string? RuleId { get; set; }
    [BindProperty(SupportsGet = true)] public string? SrcIp { get; set; }
    [BindProperty(SupportsGet = true)] public long? Alert { get; set; }
    [BindProperty] public string? Field { get; set; }
    [BindProperty] public string? Pattern { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public string? Status { get; set; } = "closed";
    [BindProperty] public string? Verdict { get; set; } = "false_positive";
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? Expires { get; set; } = "24h";

    public IReadOnlyList<NotificationRuleDto> Suppressions { get; private set; } = [];
    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();
    public Dictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public bool IsAdmin => scope.IsAdmin;

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            if (Client is not { } clientId)
            {
                throw ApiException.Validation("clientId", "Choose a client.");
            }
            if (NotifyForm.Blank(SrcIp) is not null && NotifyForm.Blank(Pattern) is not null)
            {
                throw ApiException.Validation("conditions.field.pattern", "Give a source IP or a field expression, not both.");
            }
            var field = NotifyForm.Blank(SrcIp) is { } ip
                ? new RuleFieldMatch("src_ip", "^" + Regex.Escape(ip) + "$")
                : NotifyForm.Blank(Pattern) is { } p ? new RuleFieldMatch(NotifyForm.Blank(Field) ?? "raw", p) : null;
            var conditions = new RuleConditions(RuleIds: NotifyForm.List(RuleId), Text: NotifyForm.Blank(Text), Field: field);
            if (conditions.RuleIds is null && conditions.Text is null && conditions.Field is null)
            {
                throw ApiException.Validation("conditions", "Give at least one condition: a suppression of every alert is not one.");
            }
            var status = Status == "acknowledged" ? "acknowledged" : "closed";
            var reason = NotifyForm.Blank(Reason);
            // First in order and stop-processing: the alerts it closes reach no channel of a later rule.
            var first = (await rules.ListAsync(clientId, ct)).Select(r => (int?)r.Position).Min() ?? 10;
            var name = "Suppress " + string.Join(" · ", new[]
            {
                conditions.RuleIds is { } ids ? "rule " + string.Join(",", ids) : null,
                NotifyForm.Blank(SrcIp) is { } s ? "from " + s : null,
                conditions.Text is { } t ? "“" + t + "”" : null,
                NotifyForm.Blank(Pattern) is { } pt ? (NotifyForm.Blank(Field) ?? "raw") + " ~ " + pt : null,
            }.Where(x => x is not null));
            await rules.CreateAsync(new CreateNotificationRuleRequest(
                name.Length > 200 ? name[..200] : name,
                conditions,
                new RuleActions(SetStatus: status, Verdict: status == "closed" ? NotifyForm.Blank(Verdict) : null, Reason: reason),
                clientId,
                Position: first - 1,
                StopProcessing: true,
                ExpiresAt: ExpiresAt(Expires)), ct);
            return Redirect("/notifications/suppressions?created=1");
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        catch (ApiException e)
        {
            Errors = e.Errors is null ? [] : new Dictionary<string, string[]>(e.Errors);
            Error = NotifyForm.Describe(e);
        }
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid ruleId, CancellationToken ct)
    {
        try
        {
            await rules.DeleteAsync(ruleId, ct);
            Message = "The suppression is deleted.";
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

    private DateTimeOffset? ExpiresAt(string? choice) => choice switch
    {
        "1h" => time.GetUtcNow().AddHours(1),
        "24h" => time.GetUtcNow().AddHours(24),
        "7d" => time.GetUtcNow().AddDays(7),
        _ => null,
    };

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        if (Request.Query.ContainsKey("created"))
        {
            Message = "The suppression is created: new matching alerts are stored with its status.";
        }
        Suppressions = (await rules.ListAsync(null, ct)).Where(r => r.Actions.SetStatus is not null).ToList();
        Clients = await clients.ListAsync(ct);
        Names = await RulesModel.NamesAsync(Clients, await channels.ListAsync(null, ct), nodes, ct);
        Now = time.GetUtcNow();
        return Page();
    }

    public string[]? ErrorOf(string key) => Errors.GetValueOrDefault(key);

    public string ClientName(Guid? id) => id is { } c ? Names.GetValueOrDefault(c) ?? c.ToString() : "";
}
