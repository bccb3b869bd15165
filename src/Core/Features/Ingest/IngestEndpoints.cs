using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Socme.Client;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Ingest;

internal static class IngestEndpoints
{
    public const string IngestLimiter = "ingest";

    public static IServiceCollection AddIngest(this IServiceCollection services)
    {
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SqliteIngestWriter>();
        services.AddSingleton<AlertIngestStore>();
        services.AddScoped<IngestService>();
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(IngestLimiter, ctx =>
        {
            var io = ctx.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value;
            return RateLimitPartition.GetConcurrencyLimiter("ingest", _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = io.MaxConcurrentRequests,
                QueueLimit = io.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        }));
        return services;
    }

    public static RouteGroupBuilder MapIngestEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/ingest/alerts", (HttpRequest request, IngestService s, CancellationToken ct) => s.IngestAsync(request, ct))
            .WithName("Ingest_Alerts").WithTags("Ingest")
            .RequireAuthorization(Policies.Node)
            .RequireRateLimiting(IngestLimiter)
            .Accepts<IngestEnvelope>("application/x-ndjson")
            .Produces<IngestResult>();
        return api;
    }

    /// <summary>The <c>Retry-After</c> (seconds) for a request refused by a rate limiter.</summary>
    public static string RetryAfterSeconds(HttpContext ctx, RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(lease);
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var after))
        {
            return Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        var io = ctx.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value;
        return Math.Max(1, (int)Math.Ceiling(io.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }
}
