namespace Socme.Core.Tests.Infrastructure;

/// <summary>Waits for a state that background work reaches (the outbox dispatcher): polls it, fails with the reason after a deadline.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var deadline = TimeProvider.System.GetTimestamp();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (TimeProvider.System.GetElapsedTime(deadline) > limit)
            {
                Assert.Fail($"Not reached within {limit.TotalSeconds:0} s: {what}");
            }
            await Task.Delay(25);
        }
    }
}
