using Microsoft.AspNetCore.Identity;

namespace Socme.Core.Data.Identity;

/// <summary>What a user may do.</summary>
public enum UserRole
{
    /// <summary>Everything, including users, clients and nodes.</summary>
    Admin = 1,
    /// <summary>Triage on all clients, or on a scoped list.</summary>
    Analyst = 2,
    /// <summary>The client portal: one client only, read + comment + acknowledge.</summary>
    Client = 3,
}

/// <summary>A person who signs in (ASP.NET Core Identity user).</summary>
public sealed class User : IdentityUser<Guid>
{
    public UserRole Role { get; set; }
    public string? DisplayName { get; set; }
    /// <summary>For <see cref="UserRole.Client"/>: the one client they belong to.</summary>
    public Guid? ClientId { get; set; }
    /// <summary>For <see cref="UserRole.Analyst"/>: false means limited to <see cref="ClientScopes"/>.</summary>
    public bool AllClients { get; set; }
    public bool Disabled { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<UserClientScope> ClientScopes { get; set; } = [];
}

/// <summary>One client an analyst with a scoped list may see.</summary>
public sealed class UserClientScope
{
    public Guid UserId { get; set; }
    public Guid ClientId { get; set; }
}

/// <summary>A personal API token. The token is shown once; only its SHA-256 is stored.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    public required string Name { get; set; }
    public required string Hash { get; set; }
    /// <summary>The first characters of the token, to recognise it in a list.</summary>
    public required string Prefix { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
