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
    /// <summary>A console session's copy of the user's security stamp: a changed stamp ends the session.</summary>
    public const string SecurityStamp = "socme:stamp";
    /// <summary>Present on a console session whose role requires 2FA while the user has not set it up.</summary>
    public const string TwoFactorSetupRequired = "socme:2fa_setup_required";
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

    /// <summary>A signed-in console user (cookie session) of any role; pages filter by tenant.</summary>
    public const string ConsoleUser = "console-user";
    /// <summary>Console admins and analysts.</summary>
    public const string ConsoleStaff = "console-staff";
    /// <summary>Console admins.</summary>
    public const string ConsoleAdmin = "console-admin";
}
