using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// Who may do what with rules and channels: the SOC's staff read them within their clients (and the SOC's own, which
/// rules of their clients may use); a client's are changed by the staff who can see that client, the SOC's own (no
/// client) by admins only. A client user has no access at all.
/// </summary>
internal static class NotificationAccess
{
    public static void RequireStaff(TenantScope scope, string what)
    {
        if (!scope.IsStaff)
        {
            throw ApiException.Forbidden("forbidden", $"{what} are managed by the SOC's staff.");
        }
    }

    /// <summary>May the caller create, change or delete a <paramref name="what"/> of <paramref name="clientId"/> (null: the SOC's own)?</summary>
    public static void RequireManage(TenantScope scope, Guid? clientId, string what)
    {
        if (clientId is { } c)
        {
            scope.EnsureCanSee(c, "Client");
        }
        else if (!scope.IsAdmin)
        {
            throw ApiException.Forbidden("admin_required", $"Only admins manage {what} of no client (clientId null): they reach every client or the SOC itself.");
        }
    }
}
