namespace Socme.Core.Data.Tenancy;

/// <summary>
/// A person to reach at a client (the admin to mail on brute force, the on-call number to ring on a compromise).
/// Notification rules name contacts as recipients.
/// </summary>
public sealed class ClientContact : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid ClientId { get; set; }
    public required string Name { get; set; }
    /// <summary>What the person is to the client ("IT admin", "CISO", "on call").</summary>
    public string? Role { get; set; }
    public string? Email { get; set; }
    /// <summary>E.164 (<c>+33…</c>), for SMS and calls.</summary>
    public string? Phone { get; set; }
    public string? Notes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
