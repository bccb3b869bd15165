using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Socme.Client;
using Socme.Core.Infrastructure;

namespace Socme.Core.Tests.Infrastructure;

/// <summary>
/// A real core (the whole ASP.NET Core pipeline) on its own database. Tests talk to it over HTTP through the
/// real <see cref="SocmeClient"/> and use the intent methods here to set up tenants, users and nodes.
/// </summary>
public class CoreFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Fleet:EnrollmentAttemptsPerMinute"] = "10000",
        // The real startup path migrates the fresh database (as `serve --migrate` does).
        ["Database:MigrateOnStart"] = "true",
        // The fleet watcher would store system alerts (node offline, full disk) in tests that move a manual clock past a
        // node's heartbeat and count alerts; it runs at start only, unless a test asks for it (NotifyFixture).
        ["Fleet:EventCheckInterval"] = "01:00:00",
    };

    private TestDatabase? _db;

    public TestDatabase Db => _db ?? throw new InvalidOperationException("InitializeAsync first.");

    /// <summary>Set before the first request; e.g. <c>factory.Setting("Ingest:MaxBodyBytes", "4096")</c>.</summary>
    public CoreFactory Setting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public ManualTimeProvider? Time { get; private set; }

    /// <summary>Replaces the clock with a manual one (set before the first request).</summary>
    public CoreFactory WithManualTime(DateTimeOffset start)
    {
        Time = new ManualTimeProvider(start);
        return this;
    }

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        StartServer(); // builds and starts the host with the settings above
        await Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("DataDir", Db.DataDir);
        builder.UseSetting("Database:Provider", Db.Provider);
        builder.UseSetting("Database:ConnectionString", Db.ConnectionString);
        foreach (var (k, v) in _settings)
        {
            builder.UseSetting(k, v);
        }
        builder.ConfigureServices(services =>
        {
            if (Time is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Time);
            }
        });
    }

    // ---- intent methods ----

    /// <summary>An unauthenticated client of the API.</summary>
    public SocmeClient Anonymous() => new(CreateClient());

    /// <summary>A client authenticated with <paramref name="token"/>.</summary>
    public SocmeClient As(string token)
    {
        var http = CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new SocmeClient(http);
    }

    /// <summary>Creates an admin the way <c>socme-core create-admin</c> does and returns a client with its token.</summary>
    public async Task<SocmeClient> AdminAsync(string? email = null)
    {
        var creds = await Commands.CreateAdminAsync(Services, email ?? $"admin-{Guid.NewGuid():N}@test.local", "Test admin", null)
            ?? throw new InvalidOperationException("create-admin failed");
        return As(creds.ApiToken);
    }

    /// <summary>Creates a user through the API (as <paramref name="admin"/>), signs in with the password, returns their client.</summary>
    public async Task<(SocmeClient Client, UserDto User)> UserAsync(SocmeClient admin, string role, Guid? clientId = null, IReadOnlyList<Guid>? scope = null, bool allClients = false)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var email = $"{role}-{Guid.NewGuid():N}@test.local";
        var created = await admin.CreateUserAsync(new CreateUserRequest(email, role, ClientId: clientId, AllClients: allClients, ClientScope: scope));
        var token = await Anonymous().LoginAsync(new LoginRequest(email, created.Password!));
        return (As(token.Token), created.User);
    }

    public static Task<ClientDto> ClientAsync(SocmeClient admin, string? name = null) =>
        admin.CreateClientAsync(new CreateClientRequest(name ?? $"Client {Guid.NewGuid():N}"[..20]));

    /// <summary>Creates a node for the client and enrols it; returns a client holding the node token.</summary>
    public async Task<(SocmeClient Node, EnrollResponse Enrollment)> NodeAsync(SocmeClient admin, Guid clientId, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var node = await admin.CreateNodeAsync(clientId, new CreateNodeRequest(name ?? $"node-{Guid.NewGuid():N}"[..13]));
        var enrolled = await Anonymous().EnrollAsync(new EnrollRequest(node.EnrollmentCode, "sensor.example", ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDxxTestKeyOnly test"]));
        return (As(enrolled.Token), enrolled);
    }
}

/// <summary>A <see cref="CoreFactory"/> on real Kestrel (a loopback port), for clients that open their own connections.</summary>
public sealed class KestrelCoreFactory : CoreFactory
{
    public KestrelCoreFactory() => UseKestrel(0);
}
