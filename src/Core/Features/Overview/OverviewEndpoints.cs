using Socme.Client;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Overview;

internal static class OverviewEndpoints
{
    public static IServiceCollection AddOverview(this IServiceCollection services) => services.AddScoped<OverviewService>();

    public static RouteGroupBuilder MapOverviewEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/overview", (string? range, string? bucket, Guid? clientId, int? top, int? newest, OverviewService s, CancellationToken ct) =>
                s.GetAsync(new OverviewQuery { Range = range, Bucket = bucket, ClientId = clientId, Top = top, Newest = newest }, ct))
            .WithTags("Overview").WithName("Overview_Get").RequireAuthorization(Policies.User);
        return api;
    }
}
