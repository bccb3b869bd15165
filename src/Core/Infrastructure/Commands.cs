using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Demo;
using Socme.Core.Features.Users;

namespace Socme.Core.Infrastructure;

/// <summary>The verbs of <c>socme-core</c>.</summary>
internal static class Commands
{
    private const string Usage = """
        Usage: socme-core [verb] [options]

        Verbs:
          serve          Run the core (default). --urls URL, --migrate (apply migrations first)
          migrate        Apply pending database migrations and exit.
          create-admin   --email EMAIL [--name NAME]: create an admin; prints {"email","password","apiToken"}.
                         The password is read from standard input when it is redirected, else generated.
          demo           A live demo: the core on SQLite in a fresh folder, an admin (credentials printed), a demo
                         client with two nodes whose real agents run in-process, tailing files filled from the
                         alert corpus (SOCME_CORPUS, else ../shared/corpus). Ctrl-C stops it.
                         --data DIR (default: a new temporary folder), --urls URL (default http://127.0.0.1:5080),
                         --rate LINES_PER_S (default 40), --rotate-every SECONDS (default 45-90 s at random)

        Configuration: appsettings.json, then SOCME_* environment variables (SOCME_Database__Provider=Postgres),
        then --Key=Value options (--DataDir=/var/lib/socme, --Database:ConnectionString=...).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        try
        {
            return verb switch
            {
                "serve" => await ServeAsync(rest),
                "migrate" => await MigrateAsync(rest),
                "create-admin" => await CreateAdminAsync(rest),
                "demo" => await DemoAsync(rest),
                "help" or "--help" or "-h" => Help(0),
                _ => Help(2),
            };
        }
        catch (InvalidOperationException e) when (e.InnerException is null || e.InnerException is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"socme-core {verb}: {e.Message}");
            return 1;
        }
    }

    private static int Help(int code)
    {
        (code == 0 ? Console.Out : Console.Error).WriteLine(Usage);
        return code;
    }

    /// <summary>Turns <c>--migrate</c>, <c>--data DIR</c> into configuration keys; leaves the rest for the host.</summary>
    private static string[] HostArgs(string[] args, out Dictionary<string, string?> own, params string[] ownFlags)
    {
        own = [];
        var host = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            var name = a.Split('=', 2)[0];
            if (ownFlags.Contains(name))
            {
                if (a.Contains('=', StringComparison.Ordinal))
                {
                    own[name] = a.Split('=', 2)[1];
                }
                else if (name == "--migrate")
                {
                    own[name] = "true";
                }
                else if (i + 1 < args.Length)
                {
                    own[name] = args[++i];
                }
                else
                {
                    throw new InvalidOperationException($"{name} needs a value.");
                }
            }
            else
            {
                host.Add(a);
            }
        }
        return host.ToArray();
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        var hostArgs = HostArgs(args, out var own, "--migrate");
        if (own.ContainsKey("--migrate"))
        {
            hostArgs = [.. hostArgs, "--Database:MigrateOnStart=true"];
        }
        await using var app = CoreApp.Build(hostArgs);
        if (!await PrepareDatabaseAsync(app))
        {
            return 2;
        }
        await app.RunAsync();
        return 0;
    }

    /// <summary>Migrates when asked; otherwise refuses to serve a database with pending migrations.</summary>
    private static async Task<bool> PrepareDatabaseAsync(WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();
        if (options.MigrateOnStart)
        {
            var applied = await Database.MigrateAsync(db, CancellationToken.None);
            app.Logger.LogInformation("Database migrated ({Count} migration(s) applied)", applied.Count);
            return true;
        }
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        if (pending.Count > 0)
        {
            await Console.Error.WriteLineAsync($"socme-core: the database has {pending.Count} pending migration(s). Run `socme-core migrate` or start with --migrate.");
            return false;
        }
        return true;
    }

    private static async Task<int> MigrateAsync(string[] args)
    {
        await using var app = CoreApp.Build(args);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();
        var applied = await Database.MigrateAsync(db, CancellationToken.None);
        Console.WriteLine(applied.Count == 0 ? "The database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
        return 0;
    }

    private static async Task<int> CreateAdminAsync(string[] args)
    {
        var hostArgs = HostArgs(args, out var own, "--email", "--name");
        if (!own.TryGetValue("--email", out var email) || string.IsNullOrWhiteSpace(email))
        {
            await Console.Error.WriteLineAsync("socme-core create-admin: --email is required.");
            return 2;
        }
        string? password = null;
        if (Console.IsInputRedirected)
        {
            password = (await Console.In.ReadToEndAsync()).Trim('\r', '\n');
            if (password.Length == 0)
            {
                password = null;
            }
        }
        await using var app = CoreApp.Build(hostArgs);
        var created = await CreateAdminAsync(app.Services, email, own.GetValueOrDefault("--name"), password);
        if (created is null)
        {
            return 1;
        }
        Console.WriteLine(JsonSerializer.Serialize(created, SocmeClient.JsonOptions));
        return 0;
    }

    /// <summary>Creates an admin with an API token; null (and a message on stderr) when it cannot.</summary>
    internal static async Task<AdminCredentials?> CreateAdminAsync(IServiceProvider services, string email, string? name, string? password)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<SocmeDbContext>();
        if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            await Console.Error.WriteLineAsync("socme-core create-admin: the database is not migrated; run `socme-core migrate` first.");
            return null;
        }
        var time = sp.GetRequiredService<TimeProvider>();
        var audit = new AuditLog(db, TenantScope.System, sp.GetRequiredService<IHttpContextAccessor>(), time);
        var users = new UserService(db, sp.GetRequiredService<UserManager<User>>(), TenantScope.System, audit, time);
        try
        {
            var user = await users.CreateAsync(new CreateUserRequest(email, "admin", name, Password: password), CancellationToken.None);
            var (_, token) = users.IssueToken(user.User.Id, "create-admin", null);
            await db.SaveChangesAsync();
            return new AdminCredentials(user.User.Email, password ?? user.Password!, token);
        }
        catch (ApiException e)
        {
            var detail = e.Errors is null ? e.Message : string.Join(" ", e.Errors.SelectMany(x => x.Value));
            await Console.Error.WriteLineAsync($"socme-core create-admin: {detail}");
            return null;
        }
    }

    internal sealed record AdminCredentials(string Email, string Password, string ApiToken);

    private static async Task<int> DemoAsync(string[] args)
    {
        if (!OperatingSystem.IsLinux())
        {
            await Console.Error.WriteLineAsync("socme-core demo: the demo runs real node agents, which need Linux (inodes, hard links).");
            return 2;
        }
        var hostArgs = HostArgs(args, out var own, "--data", "--rate", "--rotate-every");
        if (!TryPositive(own, "--rate", 40, out var rate) || !TryPositive(own, "--rotate-every", 0, out var rotateEvery))
        {
            await Console.Error.WriteLineAsync("socme-core demo: --rate and --rotate-every take a positive number (lines per second, seconds).");
            return 2;
        }
        var corpus = CorpusReplayer.FindCorpus();
        if (corpus is null)
        {
            await Console.Error.WriteLineAsync("""
                socme-core demo: the alert corpus was not found. The demo replays real Wazuh and Suricata alerts from a folder
                with wazuh/*.json and suricata/*.json (../shared/corpus beside the repository). Point SOCME_CORPUS at it:
                  SOCME_CORPUS=/path/to/corpus dotnet run --project src/Core -c Release -- demo
                """);
            return 2;
        }
        var dataDir = Path.GetFullPath(own.GetValueOrDefault("--data") ?? Path.Combine(Path.GetTempPath(), "socme-demo-" + Secrets.NewCode(8).ToLowerInvariant()));
        if (Directory.Exists(dataDir) && Directory.EnumerateFileSystemEntries(dataDir).Any())
        {
            await Console.Error.WriteLineAsync($"socme-core demo: {dataDir} is not empty; the demo starts from a fresh folder.");
            return 2;
        }
        using var signals = DemoRunner.ListenForStop(out var stop);
        Directory.CreateDirectory(dataDir);
        if (!hostArgs.Any(a => a.StartsWith("--urls", StringComparison.Ordinal)))
        {
            hostArgs = [.. hostArgs, "--urls", "http://127.0.0.1:5080"];
        }
        // Always SQLite in the fresh folder, whatever SOCME_Database__* says: flags override the environment.
        hostArgs = [.. hostArgs, $"--DataDir={dataDir}", "--Database:Provider=Sqlite", "--Database:ConnectionString=", "--Database:MigrateOnStart=true"];
        await using var app = CoreApp.Build(hostArgs, DemoRunner.ConfigureCore);
        await PrepareDatabaseAsync(app);
        var admin = await CreateAdminAsync(app.Services, "admin@demo.socme.local", "Demo admin", null);
        if (admin is null)
        {
            return 1;
        }
        var settings = new DemoSettings
        {
            DataDir = dataDir,
            CorpusDir = corpus,
            LinesPerSecond = rate,
            RotateEvery = rotateEvery > 0 ? TimeSpan.FromSeconds(rotateEvery) : null,
        };
        return await new DemoRunner(app, admin, settings, Console.Out).RunAsync(stop);
    }

    private static bool TryPositive(Dictionary<string, string?> own, string flag, double fallback, out double value)
    {
        value = fallback;
        return !own.TryGetValue(flag, out var text)
            || (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > 0 && double.IsFinite(value));
    }
}
