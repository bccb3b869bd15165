using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Socme.Client;
using Socme.Core.Features.Clients;
using Socme.Core.Features.Users;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Admin;

/// <summary>Users: list, create (the generated password is shown once), role and scope, disable, reset 2FA.</summary>
internal sealed class UsersModel(UserService users, ClientService clients) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Role { get; set; }
    [BindProperty] public Guid? ClientId { get; set; }
    /// <summary>For analysts: "all" or "scope" (then <see cref="Scope"/>).</summary>
    [BindProperty] public string? Reach { get; set; }
    [BindProperty] public List<Guid> Scope { get; set; } = [];

    public IReadOnlyList<UserDto> Users { get; private set; } = [];
    public IReadOnlyList<ClientDto> Clients { get; private set; } = [];
    public IReadOnlyDictionary<string, DateTimeOffset> LastSignIns { get; private set; } = new Dictionary<string, DateTimeOffset>();
    public IReadOnlySet<Guid> TwoFactor { get; private set; } = new HashSet<Guid>();
    public IReadOnlyDictionary<Guid, string> ClientNames { get; private set; } = new Dictionary<Guid, string>();
    public string? NewPasswordFor { get; private set; }
    public string? NewPassword { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    /// <summary>The user whose role and scope form is open.</summary>
    public Guid? Editing { get; private set; }

    public Task<IActionResult> OnGetAsync(Guid? edit, CancellationToken ct)
    {
        Editing = edit;
        return ShowAsync(ct);
    }

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) => RunAsync(async () =>
    {
        var role = (Role ?? "").Trim().ToLowerInvariant();
        var created = await users.CreateAsync(new CreateUserRequest(Email ?? "", role,
            ClientId: role == "client" ? ClientId : null,
            AllClients: role == "analyst" && Reach != "scope",
            ClientScope: role == "analyst" && Reach == "scope" ? Scope : null), ct);
        NewPasswordFor = created.User.Email;
        NewPassword = created.Password;
        Email = null;
    }, ct);

    public Task<IActionResult> OnPostUpdateAsync(Guid userId, CancellationToken ct) => RunAsync(async () =>
    {
        var role = (Role ?? "").Trim().ToLowerInvariant();
        await users.UpdateAsync(userId, new UpdateUserRequest(Role: role,
            ClientId: role == "client" ? ClientId : null,
            AllClients: role == "analyst" ? Reach != "scope" : null,
            ClientScope: role == "analyst" && Reach == "scope" ? Scope : null), ct);
        Message = "The user is updated.";
    }, ct);

    public Task<IActionResult> OnPostDisableAsync(Guid userId, bool disabled, CancellationToken ct) => RunAsync(async () =>
    {
        await users.UpdateAsync(userId, new UpdateUserRequest(Disabled: disabled), ct);
        Message = disabled ? "The user is disabled and signed out." : "The user is enabled.";
    }, ct);

    public Task<IActionResult> OnPostResetTwoFactorAsync(Guid userId, CancellationToken ct) => RunAsync(async () =>
    {
        await users.ResetTwoFactorAsync(userId, ct);
        Message = "Two-factor sign-in is reset; the user's sessions are ended.";
    }, ct);

    private async Task<IActionResult> RunAsync(Func<Task> action, CancellationToken ct)
    {
        try
        {
            await action();
        }
        catch (ApiException e)
        {
            Error = e.Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(x => x.Value)) : e.Message;
        }
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Users = await users.ListAsync(ct);
        Clients = await clients.ListAsync(ct);
        ClientNames = Clients.ToDictionary(c => c.Id, c => c.Name);
        LastSignIns = await users.LastSignInsAsync(ct);
        TwoFactor = await users.TwoFactorUsersAsync(ct);
        return Page();
    }

    public string ReachOf(UserDto u) => u.Role switch
    {
        "admin" => "all",
        "analyst" when u.AllClients => "all",
        "analyst" => string.Join(", ", u.ClientScope.Select(c => ClientNames.GetValueOrDefault(c) ?? c.ToString())),
        _ => u.ClientId is { } c ? ClientNames.GetValueOrDefault(c) ?? c.ToString() : "—",
    };
}
