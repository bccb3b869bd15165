using System.ComponentModel.DataAnnotations;
using Socme.Core.Data.Identity;

namespace Socme.Core.Web;

/// <summary>The <c>Console</c> section: the web console's sessions and sign-in rules.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>A console session ends after this long without a request (sliding).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Roles that must use two-factor sign-in. A user of such a role without 2FA is sent to set it up before
    /// anything else (e.g. <c>"Console:TwoFactorRequiredRoles": ["Admin", "Analyst"]</c>).
    /// </summary>
    public List<UserRole> TwoFactorRequiredRoles { get; set; } = [];

    /// <summary>How often each core replica looks for new alerts for the live feeds (inbox bar, overview, screen).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan LivePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the step between the password and the second factor may take.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "00:30:00")]
    public TimeSpan TwoFactorStepTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
