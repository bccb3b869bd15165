using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Clients;
using Socme.Core.Features.Nodes;
using Socme.Core.Features.Users;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// The rule editor (new or existing): every condition, the actions, throttle or digest, stop-processing, expiry; a live
/// preview (htmx, debounced) of how many of the newest alerts the conditions match; the service's 422s beside the fields.
/// </summary>
[Authorize(Policy = Policies.ConsoleStaff)]
internal sealed class RuleEditModel(NotificationRuleService rules, ChannelService channels, ClientService clients, NodeService nodes,
    UserService users, TenantScope scope) : PageModel
{
    [BindProperty] public RuleForm Rule { get; set; } = new();

    public Guid? Id { get; private set; }
    public NotificationRuleDto? Existing { get; private set; }
    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public IReadOnlyList<NotificationChannelDto> Channels { get; private set; } = [];
    public IReadOnlyList<NodeDto> Nodes { get; private set; } = [];
    public IReadOnlyList<UserDto> Staff { get; private set; } = [];
    public Dictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? Error { get; private set; }
    public bool IsAdmin => scope.IsAdmin;

    public async Task<IActionResult> OnGetAsync(Guid? id, Guid? client, CancellationToken ct)
    {
        if (id is { } ruleId)
        {
            try
            {
                Existing = await rules.GetAsync(ruleId, ct);
            }
            catch (ApiException e) when (e.Status == 404)
            {
                return NotFound();
            }
            Id = ruleId;
            Rule = RuleForm.From(Existing);
        }
        else
        {
            Rule = new RuleForm { ClientId = client, Enabled = true };
        }
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(Guid? id, CancellationToken ct)
    {
        try
        {
            if (id is { } ruleId)
            {
                Existing = await rules.GetAsync(ruleId, ct);
                Id = ruleId;
                await rules.ReplaceAsync(ruleId, Rule.ToRequest(Existing.ClientId), ct);
            }
            else
            {
                await rules.CreateAsync(Rule.ToRequest(Rule.ClientId), ct);
            }
            return Redirect("/notifications/rules?saved=" + Uri.EscapeDataString(Rule.Name ?? ""));
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

    /// <summary>The live preview: how many of the newest alerts the form's conditions match (an htmx partial).</summary>
    public async Task<IActionResult> OnPostPreviewAsync(Guid? id, CancellationToken ct)
    {
        RulePreviewView view;
        try
        {
            var clientId = id is { } ruleId ? (await rules.GetAsync(ruleId, ct)).ClientId : Rule.ClientId;
            view = new RulePreviewView(await rules.PreviewAsync(new RulePreviewRequest(Rule.Conditions(), clientId), ct), null);
        }
        catch (ApiException e)
        {
            view = new RulePreviewView(null, NotifyForm.Describe(e));
        }
        return Partial("_RulePreview", view);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Clients = await clients.ListAsync(ct);
        Channels = await channels.ListAsync(null, ct);
        Nodes = await nodes.ListAsync(null, ct);
        Staff = (await users.ListAsync(ct)).Where(u => !u.Disabled && u.Role is "admin" or "analyst").ToList();
        return Page();
    }

    public string[]? ErrorOf(string key) => Errors.GetValueOrDefault(key);

    public string ClientName(Guid? id) => id is { } c ? Clients.FirstOrDefault(x => x.Id == c)?.Name ?? c.ToString() : "";
}

/// <summary>The preview's answer, or why the conditions cannot be previewed.</summary>
internal sealed record RulePreviewView(RulePreviewDto? Preview, string? Error);

/// <summary>The editor's fields, as the form posts them (lists as comma-separated text, windows in minutes).</summary>
internal sealed class RuleForm
{
    public static readonly string[] BandValues = ["low", "medium", "high", "critical"];
    public static readonly string[] SourceValues = ["wazuh", "suricata", "system"];

    public Guid? ClientId { get; set; }
    public string? Name { get; set; }
    public int? Position { get; set; }
    public bool Enabled { get; set; }
    public bool StopProcessing { get; set; }
    /// <summary>UTC, from a datetime-local input.</summary>
    public DateTime? ExpiresAt { get; set; }

    public int? MinLevel { get; set; }
    public List<string> Bands { get; set; } = [];
    public string? RuleIds { get; set; }
    public string? RuleGroups { get; set; }
    public string? MitreTactics { get; set; }
    public string? MitreTechniques { get; set; }
    public List<string> Sources { get; set; } = [];
    public List<Guid> NodeIds { get; set; } = [];
    public string? Text { get; set; }
    public string? Field { get; set; }
    public string? Pattern { get; set; }

    public List<Guid> Channels { get; set; } = [];
    public bool EscalateToTheHive { get; set; }
    public Guid? AssignTo { get; set; }
    public string? SetStatus { get; set; }
    public string? Verdict { get; set; }
    public string? Reason { get; set; }
    public string? AddTags { get; set; }

    /// <summary>none, throttle or digest.</summary>
    public string Limit { get; set; } = "none";
    public int? ThrottleMax { get; set; }
    public int? ThrottleMinutes { get; set; }
    public List<string> GroupBy { get; set; } = [];
    public int? DigestMinutes { get; set; }

    public RuleConditions Conditions() => new(
        MinLevel,
        Bands.Count == 0 ? null : Bands,
        NotifyForm.List(RuleIds),
        NotifyForm.List(RuleGroups),
        NotifyForm.List(MitreTactics),
        NotifyForm.List(MitreTechniques),
        Sources.Count == 0 ? null : Sources,
        NodeIds.Count == 0 ? null : NodeIds,
        NotifyForm.Blank(Text),
        NotifyForm.Blank(Pattern) is { } p ? new RuleFieldMatch(NotifyForm.Blank(Field) ?? "raw", p) : null);

    public CreateNotificationRuleRequest ToRequest(Guid? clientId)
    {
        var status = NotifyForm.Blank(SetStatus);
        var actions = new RuleActions(
            Channels.Count == 0 ? null : Channels,
            EscalateToTheHive,
            AssignTo,
            status,
            status == "closed" ? NotifyForm.Blank(Verdict) : null,
            status is null ? null : NotifyForm.Blank(Reason),
            NotifyForm.List(AddTags));
        var throttle = Limit == "throttle" ? new RuleThrottle(ThrottleMax ?? 0, (ThrottleMinutes ?? 0) * 60, GroupBy.Count == 0 ? null : GroupBy) : null;
        var digest = Limit == "digest" ? new RuleDigest((DigestMinutes ?? 0) * 60) : null;
        DateTimeOffset? expires = ExpiresAt is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : null;
        return new CreateNotificationRuleRequest(Name ?? "", Conditions(), actions, clientId, Position, Enabled, StopProcessing, throttle, digest, expires);
    }

    public static RuleForm From(NotificationRuleDto r)
    {
        var c = r.Conditions;
        var a = r.Actions;
        static string Join(IReadOnlyList<string>? l) => l is null ? "" : string.Join(", ", l);
        return new RuleForm
        {
            ClientId = r.ClientId,
            Name = r.Name,
            Position = r.Position,
            Enabled = r.Enabled,
            StopProcessing = r.StopProcessing,
            ExpiresAt = r.ExpiresAt?.UtcDateTime,
            MinLevel = c.MinLevel,
            Bands = c.Bands?.ToList() ?? [],
            RuleIds = Join(c.RuleIds),
            RuleGroups = Join(c.RuleGroups),
            MitreTactics = Join(c.MitreTactics),
            MitreTechniques = Join(c.MitreTechniques),
            Sources = c.Sources?.ToList() ?? [],
            NodeIds = c.NodeIds?.ToList() ?? [],
            Text = c.Text,
            Field = c.Field?.Field,
            Pattern = c.Field?.Pattern,
            Channels = a.Channels?.ToList() ?? [],
            EscalateToTheHive = a.EscalateToTheHive,
            AssignTo = a.AssignTo,
            SetStatus = a.SetStatus,
            Verdict = a.Verdict,
            Reason = a.Reason,
            AddTags = Join(a.AddTags),
            Limit = r.Throttle is not null ? "throttle" : r.Digest is not null ? "digest" : "none",
            ThrottleMax = r.Throttle?.Max,
            ThrottleMinutes = r.Throttle is { } t ? Math.Max(1, t.WindowSeconds / 60) : null,
            GroupBy = r.Throttle?.GroupBy?.ToList() ?? [],
            DigestMinutes = r.Digest is { } d ? Math.Max(1, d.WindowSeconds / 60) : null,
        };
    }

    public string ExpiresInput => ExpiresAt?.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) ?? "";
}
