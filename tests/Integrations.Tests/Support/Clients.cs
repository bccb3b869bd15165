using Socme.Integrations.Tests.Fakes;
using Socme.Integrations.TheHive;

namespace Socme.Integrations.Tests.Support;

/// <summary>A TheHive client pointed at a fake, with its HttpClient and a logger that keeps the messages.</summary>
internal sealed class ClientUnderTest : IDisposable
{
    private readonly HttpClient http = new();

    public ClientUnderTest(TheHiveFake fake, Action<TheHiveOptions>? configure = null, TimeProvider? time = null)
        : this(fake.BaseUrl, fake.ApiKey, configure, time)
    {
    }

    public ClientUnderTest(Uri baseUrl, string apiKey, Action<TheHiveOptions>? configure = null, TimeProvider? time = null)
    {
        Options = new TheHiveOptions { BaseUrl = baseUrl, ApiKey = apiKey };
        configure?.Invoke(Options);
        Client = new TheHiveClient(http, Options, time, Logger);
    }

    public TheHiveOptions Options { get; }

    public ListLogger<TheHiveClient> Logger { get; } = new();

    public TheHiveClient Client { get; }

    public void Dispose() => http.Dispose();
}

internal static class Sample
{
    /// <summary>A hand-made escalation with every field set.</summary>
    public static EscalationInput Input(long alertId = 1001) => new()
    {
        AlertId = alertId,
        ClientName = "Acme",
        Title = "sshd: brute force trying to get access to the system",
        Description = "Rule **5712** fired 8 times.",
        Time = new DateTimeOffset(2026, 11, 22, 10, 30, 0, TimeSpan.Zero),
        Level = 10,
        Source = Socme.Alerts.AlertSource.Wazuh,
        RuleId = "5712",
        AgentName = "web01",
        AgentIp = "10.0.0.50",
        SrcIp = "203.0.113.7",
        DstIp = "10.0.0.50",
        MitreTechniques = ["T1110"],
        Tags = ["triage:urgent"],
        SocmeLink = new Uri("https://socme.example/alerts/1001"),
        RawJson = """{"rule":{"level":10,"id":"5712"},"data":{"srcip":"203.0.113.7","srcuser":"paco"}}""",
    };
}
