using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Clients;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// Notification channels: list (secrets shown only as "set"), create from a kind's fields, edit (an empty secret field
/// keeps the stored secret), enable/disable, delete, and a test send whose outcome comes back as an htmx partial.
/// </summary>
[Authorize(Policy = Policies.ConsoleStaff)]
internal sealed class ChannelsModel(ChannelService channels, ClientService clients, TenantScope scope) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Edit { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Kind { get; set; }
    [BindProperty] public Guid? ClientId { get; set; }
    [BindProperty] public bool AllowPrivateNetwork { get; set; }
    [BindProperty] public bool Enabled { get; set; }

    public IReadOnlyList<NotificationChannelDto> Channels { get; private set; } = [];
    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public Dictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    /// <summary>Values typed in the create form, kept when it comes back with errors (never secrets).</summary>
    public IReadOnlyDictionary<string, string?> Typed { get; private set; } = new Dictionary<string, string?>();
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    /// <summary>Which form <see cref="Errors"/> belong to: "create" or a channel id.</summary>
    public string? ErrorsFor { get; private set; }
    public NotifyResultDto? TestResult { get; private set; }
    public Guid? TestedId { get; private set; }
    public bool IsAdmin => scope.IsAdmin;

    public static IReadOnlyList<ChannelKindDto> Kinds => ChannelService.Kinds;

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) => RunAsync("create", async () =>
    {
        var kind = Kinds.FirstOrDefault(k => k.Id == Kind) ?? throw ApiException.Validation("kind", "Choose a kind.");
        var settings = ReadSettings(kind, "setting." + kind.Id + ".", keepEmptySecrets: false);
        Typed = settings.Where(s => kind.Fields.Any(f => f.Name == s.Key && !f.Secret)).ToDictionary(s => s.Key, s => s.Value);
        var created = await channels.CreateAsync(new CreateNotificationChannelRequest(Name ?? "", kind.Id, settings, ClientId,
            IsAdmin && AllowPrivateNetwork, Enabled), ct);
        Message = "The channel is created.";
        Name = null;
        Typed = new Dictionary<string, string?>();
        TestedId = created.Id;
    }, ct);

    public async Task<IActionResult> OnPostUpdateAsync(Guid channelId, CancellationToken ct)
    {
        var result = await RunAsync(channelId.ToString(), async () =>
        {
            var current = await channels.GetAsync(channelId, ct);
            var kind = Kinds.First(k => k.Id == current.Kind);
            var settings = ReadSettings(kind, "setting.", keepEmptySecrets: true);
            await channels.UpdateAsync(channelId, new UpdateNotificationChannelRequest(Name ?? "", settings,
                IsAdmin ? AllowPrivateNetwork : null, Enabled), ct);
            Message = "The channel is saved.";
            Edit = null;
        }, ct);
        if (ErrorsFor == channelId.ToString())
        {
            Edit = channelId;
        }
        return result;
    }

    public Task<IActionResult> OnPostToggleAsync(Guid channelId, bool enabled, CancellationToken ct) => RunAsync(channelId.ToString(), async () =>
    {
        await channels.UpdateAsync(channelId, new UpdateNotificationChannelRequest(Enabled: enabled), ct);
        Message = enabled ? "The channel is enabled." : "The channel is disabled.";
    }, ct);

    public Task<IActionResult> OnPostDeleteAsync(Guid channelId, CancellationToken ct) => RunAsync(channelId.ToString(), async () =>
    {
        await channels.DeleteAsync(channelId, ct);
        Message = "The channel is deleted.";
    }, ct);

    /// <summary>Sends a sample alert now; answers the outcome partial to htmx, or the page otherwise.</summary>
    public async Task<IActionResult> OnPostTestAsync(Guid channelId, CancellationToken ct)
    {
        NotifyResultDto result;
        try
        {
            result = await channels.TestAsync(channelId, ct);
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        catch (ApiException e)
        {
            result = new NotifyResultDto("permanent", NotifyForm.Describe(e), null, null);
        }
        if (Request.Headers.ContainsKey("HX-Request"))
        {
            return Partial("_ChannelTest", result);
        }
        TestResult = result;
        TestedId = channelId;
        return await ShowAsync(ct);
    }

    /// <summary>
    /// The kind's fields from the form (<paramref name="prefix"/> + field name). On edit, an empty secret field is left out
    /// (the stored secret stays); an empty plain field clears it.
    /// </summary>
    private Dictionary<string, string?> ReadSettings(ChannelKindDto kind, string prefix, bool keepEmptySecrets)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var f in kind.Fields)
        {
            var value = Request.Form.TryGetValue(prefix + f.Name, out var v) ? v.ToString() : "";
            if (f.Secret && keepEmptySecrets && value.Length == 0)
            {
                continue;
            }
            settings[f.Name] = value.Length == 0 ? (keepEmptySecrets ? "" : null) : value;
        }
        return settings;
    }

    private async Task<IActionResult> RunAsync(string form, Func<Task> action, CancellationToken ct)
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
            ErrorsFor = form;
            Errors = e.Errors is null ? [] : new Dictionary<string, string[]>(e.Errors);
            Error = NotifyForm.Describe(e);
        }
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Channels = await channels.ListAsync(null, ct);
        Clients = await clients.ListAsync(ct);
        return Page();
    }

    public string ClientName(Guid? id) => id is { } c ? Clients.FirstOrDefault(x => x.Id == c)?.Name ?? c.ToString() : "";

    public static string KindName(string id) => Kinds.FirstOrDefault(k => k.Id == id)?.DisplayName ?? id;

    /// <summary>Whether the caller may change this channel (the SOC's own: admins only).</summary>
    public bool CanManage(NotificationChannelDto c) => c.ClientId is not null || IsAdmin;
}

/// <summary>What the notification pages share: how a service error reads in a form.</summary>
internal static class NotifyForm
{
    /// <summary>The field messages of a 422 (or the problem's message).</summary>
    public static string Describe(ApiException e) =>
        e.Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(x => x.Value)) : e.Message;

    /// <summary>Comma- or line-separated values, trimmed, empty ones dropped; null when there is none.</summary>
    public static IReadOnlyList<string>? List(string? text)
    {
        var items = (text ?? "").Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length == 0 ? null : items;
    }

    public static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>One field of a channel form: its input name, current value (never a secret's), and errors.</summary>
internal sealed record ChannelFieldView(ChannelFieldDto Field, string InputName, string? Value, bool SecretSet, string[]? Errors);
