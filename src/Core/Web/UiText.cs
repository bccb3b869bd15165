using Microsoft.Extensions.Localization;

namespace Socme.Core.Web;

/// <summary>
/// Display names of wire values (bands, statuses, verdicts, roles, history fields). Their resource keys carry a prefix
/// (<c>status.closed</c>) because .resx names are case-insensitive: a bare <c>status</c> would collide with the
/// column title <c>Status</c>. English names are in <c>Ui.resx</c>, French in <c>Ui.fr.resx</c>.
/// </summary>
public static class UiText
{
    public static readonly string[] Bands = ["low", "medium", "high", "critical"];
    public static readonly string[] Statuses = ["open", "new", "acknowledged", "in_progress", "escalated", "closed", "all"];
    public static readonly string[] Verdicts = ["none", "true_positive", "false_positive", "benign"];
    public static readonly string[] Roles = ["admin", "analyst", "client"];
    public static readonly string[] Fields = ["status", "verdict", "verdict_reason", "assignee", "tags", "comment"];

    public static LocalizedString Band(this IStringLocalizer<Ui> t, string? band) => Named(t, "band", band);
    public static LocalizedString Status(this IStringLocalizer<Ui> t, string? status) => Named(t, "status", status);
    public static LocalizedString Verdict(this IStringLocalizer<Ui> t, string? verdict) => Named(t, "verdict", verdict);
    public static LocalizedString Role(this IStringLocalizer<Ui> t, string? role) => Named(t, "role", role?.ToLowerInvariant());
    public static LocalizedString Field(this IStringLocalizer<Ui> t, string? field) => Named(t, "field", field);

    private static LocalizedString Named(IStringLocalizer<Ui> t, string kind, string? value)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (string.IsNullOrEmpty(value))
        {
            return new LocalizedString(kind, "—");
        }
        var s = t[kind + "." + value];
        // An unknown value (a new status the resources do not name yet) shows as it is, not as "status.x".
        return s.ResourceNotFound ? new LocalizedString(s.Name, value, true) : s;
    }
}
