using Microsoft.Extensions.DependencyInjection;

namespace Socme.Integrations.TheHive;

/// <summary>Registers the named <see cref="HttpClient"/> TheHive calls go through.</summary>
public static class TheHiveServiceCollectionExtensions
{
    /// <summary>Name of the <see cref="HttpClient"/> registered by <see cref="AddTheHiveHttpClient"/>.</summary>
    public const string HttpClientName = "Socme.TheHive";

    /// <summary>
    /// Registers the named HttpClient <see cref="HttpClientName"/> and returns its builder, so the host can set the primary
    /// handler (the core's SSRF guard, a CA bundle). Create clients with
    /// <c>new TheHiveClient(factory.CreateClient(HttpClientName), options, timeProvider, logger)</c>; options come from
    /// the host (configuration or the settings stored in the database).
    /// </summary>
    /// <remarks>The HttpClient's own timeout is infinite: each request is bounded by <see cref="TheHiveOptions.Timeout"/>.</remarks>
    public static IHttpClientBuilder AddTheHiveHttpClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
    }
}
