namespace Socme.Integrations.Tests.Support;

/// <summary>A clock that stands still (FakeTimeProvider is not on the package feed). Timers still run on real time.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
