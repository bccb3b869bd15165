using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Socme.Node.Vitals;

public static class VitalsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="VitalsCollector"/> (singleton), the real <see cref="ISystemProbe"/> and
    /// <see cref="TimeProvider.System"/> unless already registered. The host fills <see cref="VitalsOptions"/>
    /// (usually <c>v => v.ApplyNode(nodeOptions)</c>).
    /// </summary>
    public static IServiceCollection AddNodeVitals(this IServiceCollection services, Action<VitalsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<VitalsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISystemProbe>(sp => new LinuxSystemProbe(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new VitalsCollector(
            sp.GetRequiredService<IOptions<VitalsOptions>>().Value,
            sp.GetRequiredService<ISystemProbe>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<VitalsCollector>>()));
        return services;
    }
}
