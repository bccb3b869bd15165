namespace Socme.Core.Features.Notifications;

/// <summary>Wakes the dispatcher of this process when ingest queued intents, so the first delivery does not wait for the next tick.</summary>
internal sealed class NotificationSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Poke()
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // already poked
            }
        }
    }

    public void Dispose() => signal.Dispose();

    /// <summary>Waits for a poke or for <paramref name="timeout"/> (on the given clock).</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var poked = signal.WaitAsync(cts.Token);
        var tick = Task.Delay(timeout, time, cts.Token);
        await Task.WhenAny(poked, tick);
        await cts.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }
}

/// <summary>
/// The outbox loop of this core: each tick (or poke) runs <see cref="OutboxProcessor"/> in a scope of its own until it finds
/// no work. Several cores may run it on one PostgreSQL: claims skip locked rows and leases expire.
/// </summary>
internal sealed class NotificationDispatcher(IServiceScopeFactory scopes, NotificationSignal signal, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<NotificationOptions> options, ILogger<NotificationDispatcher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int work;
                do
                {
                    using var scope = scopes.CreateScope();
                    work = await scope.ServiceProvider.GetRequiredService<OutboxProcessor>().RunOnceAsync(stoppingToken);
                }
                while (work > 0 && !stoppingToken.IsCancellationRequested);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "The notification dispatcher failed; it tries again at its next tick");
            }
            try
            {
                await signal.WaitAsync(options.Value.DispatchInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
