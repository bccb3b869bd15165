using Socme.Core.Tests.Infrastructure;
using Socme.Integrations.Tests.Fakes;

namespace Socme.Core.Tests.Notifications;

/// <summary>
/// A core whose outbox reaches loopback peers (the SSRF guard allows 127.0.0.1 explicitly, as an admin would for a local
/// relay), with a manual clock for backoff and digest windows, a fast dispatcher tick, and the TheHive fake.
/// </summary>
public sealed class NotifyFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    public TheHiveFake TheHive { get; private set; } = null!;
    public CoreFactory Core { get; } = new CoreFactory().WithManualTime(Start);
    public ManualTimeProvider Time => Core.Time!;

    public async Task InitializeAsync()
    {
        TheHive = await TheHiveFake.StartAsync();
        Core.Setting("Notify:AllowedHosts:0", "127.0.0.1")
            .Setting("Notify:AllowPlainHttp", "true")
            .Setting("Notifications:DispatchInterval", "00:00:00.100")
            .Setting("Fleet:EventCheckInterval", "00:00:00.100")
            .Setting("Notifications:FirstBackoff", "00:00:30")
            .Setting("Notifications:MaxAge", "01:00:00")
            .Setting("Notifications:PublicUrl", "https://soc.example.org/")
            .Setting("TheHive:BaseUrl", TheHive.BaseUrl.ToString())
            .Setting("TheHive:ApiKey", TheHive.ApiKey);
        await Core.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)Core).DisposeAsync();
        await TheHive.DisposeAsync();
    }
}
