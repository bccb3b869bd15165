namespace Socme.Node.Vitals;

/// <summary>The values of <see cref="Socme.Client.ServiceVitals.Status"/> and <see cref="Socme.Client.SuricataVitals.Status"/>.</summary>
public static class ServiceStatus
{
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string NotInstalled = "not_installed";
    public const string Unknown = "unknown";
}
