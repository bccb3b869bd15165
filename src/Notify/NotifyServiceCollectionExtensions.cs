using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Socme.Notify;

/// <summary>Registers the notification library.</summary>
public static class NotifyServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="INotifier"/> and its named, SSRF-guarded <see cref="HttpClient"/> ("Socme.Notify"). Uses TryAdd*:
    /// a host's own <see cref="TimeProvider"/> wins. The host binds <see cref="NotifyOptions"/>; the library reads no configuration.
    /// </summary>
    public static IServiceCollection AddSocmeNotify(this IServiceCollection services, Action<NotifyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<NotifyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(Notifier.HttpClientName, (sp, client) =>
            {
                var o = sp.GetRequiredService<IOptions<NotifyOptions>>().Value;
                client.Timeout = o.HttpTimeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd(o.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(sp => OutboundGuard.CreateHandler(sp.GetRequiredService<IOptions<NotifyOptions>>().Value.ToPolicy()));
        services.TryAddSingleton<INotifier, Notifier>();
        return services;
    }
}
