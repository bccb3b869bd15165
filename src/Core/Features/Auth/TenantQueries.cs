using Socme.Core.Data;

namespace Socme.Core.Features.Auth;

/// <summary>Tenant filters for queries over tenant-owned rows.</summary>
public static class TenantQueries
{
    /// <summary>Only the rows of clients <paramref name="scope"/> may see.</summary>
    public static IQueryable<T> VisibleTo<T>(this IQueryable<T> query, TenantScope scope) where T : ITenantOwned
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.AllClients)
        {
            return query;
        }
        var ids = scope.ClientIds.ToList();
        return query.Where(x => ids.Contains(x.ClientId));
    }
}
