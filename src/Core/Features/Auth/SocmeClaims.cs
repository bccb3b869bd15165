namespace Socme.Core.Features.Auth;

/// <summary>Claim types and values the core's authentication handlers issue.</summary>
public static class SocmeClaims
{
    /// <summary>Who the caller is: <see cref="KindUser"/>, <see cref="KindNode"/> or <see cref="KindScreen"/>.</summary>
    public const string Kind = "socme:kind";
    public const string KindUser = "user";
    public const string KindNode = "node";
    public const string KindScreen = "screen";

    public const string UserId = "socme:user";
    public const string Email = "socme:email";
    public const string Role = "socme:role";
    /// <summary>Present with value "true" when the caller may see every client.</summary>
    public const string AllClients = "socme:all_clients";
    /// <summary>One claim per client the caller may see (when not <see cref="AllClients"/>).</summary>
    public const string Client = "socme:client";
    public const string NodeId = "socme:node";
}

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    /// <summary>A signed-in user of any role (queries are tenant-filtered).</summary>
    public const string User = "user";
    /// <summary>Admins and analysts.</summary>
    public const string Staff = "staff";
    public const string Admin = "admin";
    /// <summary>A node token (ingest and heartbeat only).</summary>
    public const string Node = "node";
}
