using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration.CommandLine;
using Socme.Core.Features.Alerts;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Clients;
using Socme.Core.Features.Ingest;
using Socme.Core.Features.Nodes;
using Socme.Core.Features.Notifications;
using Socme.Core.Features.Screen;
using Socme.Core.Features.Users;
using Socme.Core.Web;

namespace Socme.Core.Infrastructure;

/// <summary>Composes the core: configuration, services of every feature, middleware and endpoints.</summary>
internal static class CoreApp
{
    public const string EnvironmentPrefix = "SOCME_";

    /// <param name="args">Command-line configuration (<c>--Key=Value</c>, <c>--urls</c>).</param>
    /// <param name="configureServices">Last say on the services (the demo replaces the console lifetime).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(CoreApp).Assembly.GetName().Name,
            // The console's files are built beside the executable (Web/WebAssets.targets), whatever the working folder.
            WebRootPath = Directory.Exists(WebSetup.WebRoot) ? WebSetup.WebRoot : null,
        });
        AddShippedSettings(builder.Configuration);
        AddPrefixedEnvironmentBeforeCommandLine(builder.Configuration);

        var services = builder.Services;
        services.AddOptions<CoreOptions>().Bind(builder.Configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        services.TryAddSingletonTimeProvider();
        services.AddSocmeDatabase();
        services.AddDataProtection().SetApplicationName("socme");
        services.AddOptions<KeyManagementOptions>().Configure<IServiceScopeFactory>((o, scopes) => o.XmlRepository = new DbXmlRepository(scopes));

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions.TryAdd("code", DefaultCode(ctx.ProblemDetails.Status));
            ctx.ProblemDetails.Extensions.TryAdd("traceId", ctx.HttpContext.TraceIdentifier);
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddOpenApi();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (ctx, ct) =>
            {
                var http = ctx.HttpContext;
                http.Response.Headers.RetryAfter = IngestEndpoints.RetryAfterSeconds(http, ctx.Lease);
                var problem = new ProblemDetails { Status = 429, Detail = "Too many requests; retry after the Retry-After delay." };
                problem.Extensions["code"] = "too_many_requests";
                await http.RequestServices.GetRequiredService<IProblemDetailsService>()
                    .TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
            };
        });

        services.AddSocmeAuth();
        services.AddAudit();
        services.AddClients();
        services.AddNodes();
        services.AddIngest();
        services.AddAlerts();
        services.AddNotifications();
        services.AddUsers();
        services.AddSocmeWeb();
        configureServices?.Invoke(services);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSocmeWebBeforeAuth();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi().AllowAnonymous();
        app.MapGet("/healthz", () => TypedResults.Text("ok")).AllowAnonymous().ExcludeFromDescription();

        var api = app.MapGroup("/api/v1");
        api.MapClientEndpoints();
        api.MapNodeEndpoints();
        api.MapIngestEndpoints();
        api.MapAlertEndpoints();
        api.MapNotificationEndpoints();
        api.MapUserEndpoints();
        api.MapLoginEndpoints();
        api.MapAuditEndpoints();
        api.MapScreenTokenEndpoints();
        app.MapSocmeWeb();
        return app;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary><c>SOCME_</c> environment variables override appsettings.json; the command line overrides both.</summary>
    /// <summary>
    /// The <c>appsettings.json</c> shipped beside the executable, as the lowest layer: the content root is the working
    /// folder (<c>dotnet run --project src/Core</c> runs from the repository root), where an operator's own
    /// <c>appsettings.json</c>, when there is one, still overrides it.
    /// </summary>
    internal static void AddShippedSettings(ConfigurationManager configuration)
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var contentRoot = configuration[WebHostDefaults.ContentRootKey];
        if (contentRoot is not null && Path.GetFullPath(Path.Combine(contentRoot, "appsettings.json")) == Path.GetFullPath(shipped))
        {
            return;
        }
        var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = shipped, Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        configuration.Sources.Insert(0, source);
    }

    internal static void AddPrefixedEnvironmentBeforeCommandLine(ConfigurationManager configuration)
    {
        var sources = configuration.Sources;
        // The host adds a command-line source twice: once among the host settings (before appsettings.json) and
        // once last. SOCME_* must sit just before the last one, so it overrides appsettings.json but not flags.
        var commandLine = sources.ToList().FindLastIndex(s => s is CommandLineConfigurationSource);
        var env = new Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource { Prefix = EnvironmentPrefix };
        if (commandLine < 0)
        {
            sources.Add(env);
        }
        else
        {
            sources.Insert(commandLine, env);
        }
    }

    private static string DefaultCode(int? status) => status switch
    {
        400 => "malformed_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "validation_failed",
        429 => "too_many_requests",
        _ => "error",
    };
}
