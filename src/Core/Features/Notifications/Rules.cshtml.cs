using System.Globalization;
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
/// Notification rules in the order they run (the user's clients' and the global ones), with their summaries and match
/// counters; enable/disable, delete, and the three presets made for one client in one click.
/// </summary>
[Authorize(Policy = Policies.ConsoleStaff)]
internal sealed class RulesModel(NotificationRuleService rules, ChannelService channels, ClientService clients, NodeService nodes,
    TenantScope scope, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Client { get; set; }
    [BindProperty(SupportsGet = true)] public string? Saved { get; set; }

    public IReadOnlyList<NotificationRuleDto> Rules { get; private set; } = [];
    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public IReadOnlyList<NotificationChannelDto> Channels { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public bool IsAdmin => scope.IsAdmin;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Saved is not null)
        {
            Message = "The rule is saved.";
        }
        return await ShowAsync(ct);
    }

    public Task<IActionResult> OnPostToggleAsync(Guid ruleId, bool enabled, CancellationToken ct) => RunAsync(async () =>
    {
        var r = await rules.GetAsync(ruleId, ct);
        await rules.ReplaceAsync(ruleId, ToRequest(r) with { Enabled = enabled }, ct);
        Message = enabled ? "The rule is enabled." : "The rule is disabled.";
    }, ct);

    public Task<IActionResult> OnPostDeleteAsync(Guid ruleId, CancellationToken ct) => RunAsync(async () =>
    {
        await rules.DeleteAsync(ruleId, ct);
        Message = "The rule is deleted.";
    }, ct);

    public Task<IActionResult> OnPostPresetAsync(string preset, Guid? presetClient, List<Guid> presetChannels, CancellationToken ct) => RunAsync(async () =>
    {
        if (presetClient is not { } clientId)
        {
            Error = "Choose a client.";
            return;
        }
        await rules.CreatePresetAsync(preset, clientId, presetChannels.Count == 0 ? null : presetChannels, ct);
        Message = "The rule is created from the preset.";
    }, ct);

    private async Task<IActionResult> RunAsync(Func<Task> action, CancellationToken ct)
    {
        try
        {
            await action();
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
        try
        {
            Rules = await rules.ListAsync(Client, ct);
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        Clients = await clients.ListAsync(ct);
        Channels = await channels.ListAsync(null, ct);
        Names = await NamesAsync(Clients, Channels, nodes, ct);
        Now = time.GetUtcNow();
        return Page();
    }

    /// <summary>Display names of the clients, channels and nodes a rule refers to (ids the user cannot see stay ids).</summary>
    internal static async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(IReadOnlyList<ClientDto> clients, IReadOnlyList<NotificationChannelDto> channels,
        NodeService nodes, CancellationToken ct)
    {
        var names = new Dictionary<Guid, string>();
        foreach (var c in clients)
        {
            names[c.Id] = c.Name;
        }
        foreach (var c in channels)
        {
            names[c.Id] = c.Name;
        }
        foreach (var n in await nodes.ListAsync(null, ct))
        {
            names[n.Id] = n.Name;
        }
        return names;
    }

    internal static CreateNotificationRuleRequest ToRequest(NotificationRuleDto r) =>
        new(r.Name, r.Conditions, r.Actions, r.ClientId, r.Position, r.Enabled, r.StopProcessing, r.Throttle, r.Digest, r.ExpiresAt);

    public string ClientName(Guid? id) => id is { } c ? Names.GetValueOrDefault(c) ?? c.ToString() : "";

    public RuleSummaryView Summary(NotificationRuleDto r) => new(r, Names);

    public static string Duration(int seconds) => seconds switch
    {
        >= 3600 when seconds % 3600 == 0 => (seconds / 3600).ToString(CultureInfo.InvariantCulture) + " h",
        >= 60 when seconds % 60 == 0 => (seconds / 60).ToString(CultureInfo.InvariantCulture) + " min",
        _ => seconds.ToString(CultureInfo.InvariantCulture) + " s",
    };

    public static string When(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "—";
}

/// <summary>A rule and the names of what it refers to, for its one-line summaries.</summary>
internal sealed record RuleSummaryView(NotificationRuleDto Rule, IReadOnlyDictionary<Guid, string> Names)
{
    public string Name(Guid id) => Names.GetValueOrDefault(id) ?? id.ToString()[..8];
}
