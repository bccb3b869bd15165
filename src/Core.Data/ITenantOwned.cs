namespace Socme.Core.Data;

/// <summary>A row that belongs to one client (tenant); every query over it is filtered by client.</summary>
public interface ITenantOwned
{
    Guid ClientId { get; }
}
