namespace Socme.Notify;

/// <summary>Options of the notification library; the host binds them (the library reads no configuration).</summary>
public sealed class NotifyOptions
{
    /// <summary>
    /// Destinations allowed although they are not public (see <see cref="OutboundPolicy.AllowedHosts"/>): host names, IP
    /// literals, CIDR ranges. Empty by default: only public addresses are reachable.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Allow <c>http://</c> URLs (default false: https only).</summary>
    public bool AllowPlainHttp { get; set; }

    /// <summary>Timeout of one HTTP send, redirects included.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Timeout of one whole SMTP session.</summary>
    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The User-Agent of HTTP requests.</summary>
    public string UserAgent { get; set; } = "SOCme-Notify/1";

    internal OutboundPolicy ToPolicy() => new() { AllowedHosts = AllowedHosts.ToArray(), AllowPlainHttp = AllowPlainHttp };
}
