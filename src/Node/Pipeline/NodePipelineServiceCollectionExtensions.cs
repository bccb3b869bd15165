using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Socme.Node.Configuration;
using Socme.Node.Enrollment;

namespace Socme.Node.Pipeline;

/// <summary>Registers the node agent's shipping pipeline.</summary>
public static class NodePipelineServiceCollectionExtensions
{
    /// <summary>The named <see cref="HttpClient"/> the shipper uses (base address: <see cref="NodeOptions.Core"/>).</summary>
    public const string CoreHttpClientName = "socme-core";

    /// <summary>
    /// Registers <see cref="NodeAgent"/> (a hosted service), the named HttpClient <see cref="CoreHttpClientName"/>
    /// (base address from <see cref="NodeOptions.Core"/>, 100 s timeout, connections renewed every 5 minutes; add your
    /// own <c>ConfigurePrimaryHttpMessageHandler</c> for TLS settings), a <see cref="TokenStore"/> on
    /// <see cref="NodeOptions.DataDir"/> and <see cref="TimeProvider.System"/>, each unless already registered.
    /// The host must bind <c>IOptions&lt;NodeOptions&gt;</c> and add logging.
    /// </summary>
    public static IServiceCollection AddNodePipeline(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TokenStore(sp.GetRequiredService<IOptions<NodeOptions>>().Value.DataDir));
        services.AddHttpClient(CoreHttpClientName, (sp, http) =>
        {
            var core = sp.GetRequiredService<IOptions<NodeOptions>>().Value.Core;
            if (!string.IsNullOrWhiteSpace(core) && Uri.TryCreate(core.EndsWith('/') ? core : core + "/", UriKind.Absolute, out var uri))
            {
                http.BaseAddress = uri;
            }
            http.Timeout = TimeSpan.FromSeconds(100);
        })
            // The agent keeps one client for its lifetime: connections are renewed instead (DNS changes are seen).
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddHostedService<NodeAgent>();
        return services;
    }
}
