using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Socme.Core.Data;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// The compiled rules ingest evaluates: loaded from the database, kept for <see cref="NotificationOptions.RuleRefreshInterval"/>,
/// and dropped at once when this process changes a rule. Another core replica sees a change within that interval.
/// </summary>
internal sealed class RuleSetProvider(IServiceScopeFactory scopes, TimeProvider time, IOptions<NotificationOptions> options,
    ILogger<RuleSetProvider> log) : IDisposable
{
    private readonly SemaphoreSlim loading = new(1, 1);
    private volatile Snapshot? current;

    /// <summary>The rule set, reloaded when it is older than the refresh interval or was invalidated.</summary>
    public async ValueTask<RuleSet> GetAsync(CancellationToken ct)
    {
        var now = time.GetTimestamp();
        if (current is { } s && time.GetElapsedTime(s.LoadedAt, now) < options.Value.RuleRefreshInterval)
        {
            return s.Rules;
        }
        await loading.WaitAsync(ct);
        try
        {
            if (current is { } again && time.GetElapsedTime(again.LoadedAt, time.GetTimestamp()) < options.Value.RuleRefreshInterval)
            {
                return again.Rules;
            }
            var started = time.GetTimestamp();
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();
            var rows = await db.NotificationRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(ct);
            var rules = RuleSet.Compile(rows, (rule, e) =>
                log.LogError(e, "Notification rule {RuleId} ({RuleName}) does not compile and is skipped", rule.Id, rule.Name));
            current = new Snapshot(rules, started);
            return rules;
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>A rule changed here: the next ingest reloads.</summary>
    public void Invalidate() => current = null;

    public void Dispose() => loading.Dispose();

    private sealed record Snapshot(RuleSet Rules, long LoadedAt);
}
