namespace Socme.Core.Data.Tenancy;

/// <summary>A client of the SOC: the tenant. Every tenant-owned row carries its <see cref="Id"/>.</summary>
public sealed class Client
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>URL-safe, unique, derived from the name at creation.</summary>
    public required string Slug { get; set; }
    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
