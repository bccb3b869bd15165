using Microsoft.Extensions.DependencyInjection;
using Socme.Alerts;

namespace Socme.Notify.Tests.Support;

/// <summary>A manual clock the tests set.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Builds the real notifier through <see cref="NotifyServiceCollectionExtensions.AddSocmeNotify"/>, and test data.</summary>
internal static class TestNotify
{
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);

    /// <summary>A notifier that may reach 127.0.0.1 over plain http (the loopback test receivers), unless told otherwise.</summary>
    public static INotifier Notifier(bool allowLoopback = true, TimeProvider? time = null, Action<NotifyOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time ?? new ManualTimeProvider(Now));
        services.AddSocmeNotify(o =>
        {
            o.AllowPlainHttp = true;
            o.HttpTimeout = TimeSpan.FromSeconds(20);
            if (allowLoopback)
            {
                o.AllowedHosts.Add("127.0.0.1");
            }
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider().GetRequiredService<INotifier>();
    }

    public static readonly NotifyClient Client = new(Guid.Parse("11111111-1111-1111-1111-111111111111"), "Acme Café");
    public static readonly NotifyClient OtherClient = new(Guid.Parse("22222222-2222-2222-2222-222222222222"), "Globex");

    public static AlertView Alert(int level = 12, string? description = "SSH brute force", NotifyClient? client = null) => new()
    {
        ClientId = (client ?? Client).Id,
        Time = Now.AddMinutes(-1),
        Level = level,
        Source = AlertSource.Wazuh,
        RuleId = "5712",
        RuleDescription = description,
        Agent = "web-01",
        SrcIp = "203.0.113.7",
        SrcPort = 51515,
        DstIp = "10.0.0.5",
        DstPort = 22,
        Mitre = ["T1110"],
        Url = new Uri("https://soc.example.org/alerts/42"),
    };

    /// <summary>An alert whose text fields carry HTML, JSON and header-injection payloads.</summary>
    public static AlertView HostileAlert() => Alert() with
    {
        RuleDescription = "<script>alert(1)</script> \"}, \"x\": \"y",
        Agent = "evil\r\nBcc: victim@example.org",
        Signature = "*bold* _it_ <!channel> @everyone [x](http://evil)",
    };

    public static NotificationMessage Single(AlertView? alert = null) => NotificationMessage.ForAlert(Client, alert ?? Alert());

    public static ChannelConfig Config(ChannelKind kind, params (string Name, string Value)[] values) =>
        new(kind, values.ToDictionary(v => v.Name, v => (string?)v.Value));
}
