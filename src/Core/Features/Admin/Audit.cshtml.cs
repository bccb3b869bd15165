using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Clients;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Admin;

/// <summary>The audit log (the query of <c>GET /api/v1/audit</c>): filters in the URL, keyset paging ("older").</summary>
internal sealed class AuditModel(SocmeDbContext db, ClientService clients) : PageModel
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Client { get; set; }
    /// <summary>"true", "false" or empty.</summary>
    [BindProperty(SupportsGet = true)] public string? Success { get; set; }
    /// <summary>UTC, <c>yyyy-MM-ddTHH:mm</c> (a datetime-local input).</summary>
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public AuditPage Entries { get; private set; } = new([], null);
    public IReadOnlyDictionary<Guid, string> ClientNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Clients = await clients.ListAsync(ct);
        ClientNames = Clients.ToDictionary(c => c.Id, c => c.Name);
        try
        {
            Entries = await AuditQueries.ListAsync(db, new AuditQuery(
                Action, Client, Actor, bool.TryParse(Success, out var s) ? s : null, Parse(From), Parse(To), PageSize, Cursor), ct);
        }
        catch (ApiException e)
        {
            Error = e.Message;
        }
        return Page();
    }

    private static DateTimeOffset? Parse(string? value) =>
        DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
            ? new DateTimeOffset(d, TimeSpan.Zero)
            : null;

    /// <summary>This page's filters with another cursor (the "older" link).</summary>
    public string Link(string? cursor)
    {
        var q = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                q.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("action", Action);
        Add("actor", Actor);
        Add("client", Client?.ToString());
        Add("success", Success);
        Add("from", From);
        Add("to", To);
        Add("cursor", cursor);
        return "/admin/audit" + (q.Count > 0 ? "?" + string.Join('&', q) : "");
    }
}
