using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Clients;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Nodes;

/// <summary>
/// One node: its latest vitals (as FETCHme shows them), their last 24 hours as small charts, and the admin's actions
/// (a new enrolment code, a new token, delete). Another tenant's node answers 404.
/// </summary>
internal sealed class NodeDetailModel(NodeService nodes, ClientService clients, TenantScope scope, TimeProvider time) : PageModel
{
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromHours(24);

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public NodeDto Node { get; private set; } = null!;
    public ClientDto Client { get; private set; } = null!;
    public string HistoryJson { get; private set; } = "{}";
    public int HistoryPoints { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public bool IsAdmin => scope.IsAdmin;
    public EnrolmentView? Enrolment { get; private set; }
    public string? NewToken { get; private set; }
    public string? Error { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public Task<IActionResult> OnPostEnrollmentCodeAsync(CancellationToken ct) => AdminAsync(async () =>
    {
        Enrolment = new EnrolmentView(await nodes.NewEnrollmentCodeAsync(Id, ct), CoreUrl.Of(Request));
        return null;
    }, ct);

    public Task<IActionResult> OnPostRotateTokenAsync(CancellationToken ct) => AdminAsync(async () =>
    {
        NewToken = (await nodes.RotateTokenAsync(Id, ct)).Token;
        return null;
    }, ct);

    public Task<IActionResult> OnPostDeleteAsync(CancellationToken ct) => AdminAsync(async () =>
    {
        var node = await nodes.GetAsync(Id, ct);
        await nodes.DeleteAsync(Id, ct);
        return Redirect("/nodes" + QueryString.Create("deleted", node.Name));
    }, ct);

    /// <summary>An admin action: 403 for anyone else, 404 outside the scope; shows the page with its result or error.</summary>
    private async Task<IActionResult> AdminAsync(Func<Task<IActionResult?>> action, CancellationToken ct)
    {
        if (!scope.IsAdmin)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        try
        {
            if (await action() is { } result)
            {
                return result;
            }
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        catch (ApiException e) when (e.Status is 409 or 422)
        {
            Error = e.Message;
        }
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        try
        {
            Node = await nodes.GetAsync(Id, ct);
        }
        catch (ApiException e) when (e.Status == 404)
        {
            return NotFound();
        }
        Client = await clients.GetAsync(Node.ClientId, ct);
        Now = time.GetUtcNow();
        var history = await nodes.VitalsHistoryAsync(Id, HistoryWindow, ct);
        HistoryPoints = history.Count;
        HistoryJson = JsonSerializer.Serialize(new
        {
            labels = history.Select(p => p.At.ToLocalTime().ToString("HH:mm", CultureInfo.InvariantCulture)),
            load = history.Select(p => p.Load1),
            mem = history.Select(p => p.MemoryUsedPercent),
            disk = history.Select(p => p.DiskUsedPercent),
            spool = history.Select(p => p.SpoolDepth),
        });
        return Page();
    }
}
