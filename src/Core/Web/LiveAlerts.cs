using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Socme.Alerts;
using Socme.Core.Data;
using Socme.Core.Features.Auth;

namespace Socme.Core.Web;

/// <summary>An alert as the live feeds (the inbox's "N new" bar, the overview, the screen) see it.</summary>
public sealed record LiveAlert(long Id, Guid ClientId, AlertSource Source, int Level, SeverityBand Band, string? Title, long TimeMs);

/// <summary>
/// Fans newly stored alerts out to the console's live feeds. One watcher per core replica reads the alerts table
/// (<c>id &gt; last</c>, on the primary key) every <see cref="ConsoleOptions.LivePollInterval"/>: every replica sees every
/// replica's ingest through the database, with no broadcast channel and no assumption that this process stored them.
/// A gap in the ids (a PostgreSQL transaction that took an id and had not committed yet) is read again until it
/// fills or ages out, so an alert committed late is still announced, once.
/// </summary>
internal sealed class LiveAlertFeed(IServiceScopeFactory scopes, TimeProvider time, Microsoft.Extensions.Options.IOptions<ConsoleOptions> options, ILogger<LiveAlertFeed> log)
    : BackgroundService
{
    private const int BatchLimit = 2000;
    private static readonly TimeSpan GapLifetime = TimeSpan.FromSeconds(15);

    private readonly Lock _lock = new();
    private readonly List<Subscriber> _subscribers = [];
    private readonly Dictionary<long, DateTimeOffset> _gaps = [];
    private long _last = -1;

    /// <summary>Starts a subscription to the alerts <paramref name="scope"/> may see; dispose it to end.</summary>
    public Subscription Subscribe(TenantScope scope)
    {
        var subscriber = new Subscriber(scope, Channel.CreateBounded<LiveAlert>(new BoundedChannelOptions(1000)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }));
        lock (_lock)
        {
            _subscribers.Add(subscriber);
        }
        return new Subscription(subscriber.Channel.Reader, () =>
        {
            lock (_lock)
            {
                _subscribers.Remove(subscriber);
            }
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LivePollInterval, time);
        do
        {
            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Reading new alerts for the live feeds failed; retrying");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Reads the alerts stored since the last poll and hands each to the subscribers allowed to see it.</summary>
    internal async Task PollAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();
        if (_last < 0)
        {
            // Starts at the present: the feeds announce what arrives from now on.
            _last = await db.Alerts.MaxAsync(a => (long?)a.Id, ct) ?? 0;
            return;
        }
        var now = time.GetUtcNow();
        foreach (var expired in _gaps.Where(g => now - g.Value > GapLifetime).Select(g => g.Key).ToList())
        {
            _gaps.Remove(expired);
        }
        var gaps = _gaps.Keys.ToList();
        var rows = await db.Alerts.AsNoTracking()
            .Where(a => a.Id > _last || gaps.Contains(a.Id))
            .OrderBy(a => a.Id)
            .Take(BatchLimit)
            .Select(a => new LiveAlert(a.Id, a.ClientId, a.Source, a.Level, a.Band, a.RuleDescription ?? a.Signature ?? a.RuleId, a.TimeMs))
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return;
        }
        foreach (var row in rows)
        {
            if (row.Id > _last)
            {
                for (var missing = _last + 1; missing < row.Id && _gaps.Count < 1_000; missing++)
                {
                    _gaps[missing] = now;
                }
                _last = row.Id;
            }
            else
            {
                _gaps.Remove(row.Id);
            }
        }
        Subscriber[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }
        foreach (var s in subscribers)
        {
            foreach (var row in rows)
            {
                if (s.Scope.CanSee(row.ClientId))
                {
                    s.Channel.Writer.TryWrite(row);
                }
            }
        }
    }

    private sealed record Subscriber(TenantScope Scope, Channel<LiveAlert> Channel);
}

/// <summary>A live subscription: read alerts from <see cref="Reader"/>; dispose to unsubscribe.</summary>
internal sealed class Subscription(ChannelReader<LiveAlert> reader, Action unsubscribe) : IDisposable
{
    public ChannelReader<LiveAlert> Reader { get; } = reader;

    public void Dispose() => unsubscribe();
}

/// <summary>Server-Sent Events: <c>text/event-stream</c> writing with a keep-alive comment.</summary>
internal static class ServerSentEvents
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Streams the subscription as <c>alerts</c> events (everything that arrived together in one event) until the client
    /// goes away. <paramref name="shape"/> turns a batch into the event's JSON payload.
    /// </summary>
    public static async Task StreamAsync(HttpContext http, Subscription subscription, Func<IReadOnlyList<LiveAlert>, object> shape)
    {
        var ct = http.RequestAborted;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await http.Response.WriteAsync("retry: 3000\n: connected\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
        var batch = new List<LiveAlert>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(KeepAlive);
                bool more;
                try
                {
                    more = await subscription.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    continue;
                }
                if (!more)
                {
                    return;
                }
                batch.Clear();
                while (batch.Count < 500 && subscription.Reader.TryRead(out var alert))
                {
                    batch.Add(alert);
                }
                var json = JsonSerializer.Serialize(shape(batch), Client.SocmeClient.JsonOptions);
                await http.Response.WriteAsync($"event: alerts\ndata: {json}\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser left: the normal end of a stream.
        }
    }
}
