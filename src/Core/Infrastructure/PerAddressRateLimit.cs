using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Socme.Core.Infrastructure;

/// <summary>A fixed-window limit per remote address, for anonymous endpoints (enrolment, login).</summary>
internal static class PerAddressRateLimit
{
    public static IServiceCollection AddPerAddressRateLimit(this IServiceCollection services, string policy, Func<IServiceProvider, int> perMinute) =>
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(policy, ctx =>
        {
            var limit = perMinute(ctx.RequestServices);
            var ip = ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter($"{policy}:{ip}:{limit}", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        }));
}
