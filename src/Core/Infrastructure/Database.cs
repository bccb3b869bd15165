using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using Socme.Core.Data;

namespace Socme.Core.Infrastructure;

/// <summary>Registers the one <see cref="SocmeDbContext"/> on the configured provider.</summary>
internal static class Database
{
    public const string SqliteMigrationsAssembly = "Socme.Core.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Socme.Core.Migrations.Postgres";

    public static IServiceCollection AddSocmeDatabase(this IServiceCollection services)
    {
        services.AddSingleton<SqlitePragmas>();
        services.AddDbContextPool<SocmeDbContext>((sp, o) =>
        {
            var db = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var core = sp.GetRequiredService<IOptions<CoreOptions>>().Value;
            Configure(o, db, core.DataDir);
            if (db.Provider == DatabaseProvider.Sqlite)
            {
                o.AddInterceptors(sp.GetRequiredService<SqlitePragmas>());
            }
        });
        return services;
    }

    /// <summary>Configures <paramref name="o"/> for the provider in <paramref name="db"/>.</summary>
    public static void Configure(DbContextOptionsBuilder o, DatabaseOptions db, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(db);
        switch (db.Provider)
        {
            case DatabaseProvider.Sqlite:
                o.UseSqlite(SqliteConnectionString(db, dataDir), x => x.MigrationsAssembly(SqliteMigrationsAssembly));
                break;
            case DatabaseProvider.Postgres:
                o.UseNpgsql(PostgresConnectionString(db), x => x.MigrationsAssembly(PostgresMigrationsAssembly));
                break;
            default:
                throw new InvalidOperationException($"Unknown database provider '{db.Provider}'.");
        }
    }

    public static string SqliteConnectionString(DatabaseOptions db, string dataDir)
    {
        if (!string.IsNullOrWhiteSpace(db.ConnectionString))
        {
            return db.ConnectionString;
        }
        Directory.CreateDirectory(dataDir);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(Path.GetFullPath(dataDir), "socme.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public static string PostgresConnectionString(DatabaseOptions db)
    {
        if (string.IsNullOrWhiteSpace(db.ConnectionString))
        {
            throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres (SOCME_Database__ConnectionString).");
        }
        var csb = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        if (csb.Password is { } pw && Secrets.IsPlaceholder(pw))
        {
            throw new InvalidOperationException("The PostgreSQL password in Database:ConnectionString is a well-known placeholder; set a real one.");
        }
        return csb.ConnectionString;
    }

    /// <summary>
    /// Per-connection SQLite settings: WAL is persistent (set at migration), <c>synchronous=NORMAL</c> is
    /// durable across application crashes in WAL mode (the last transactions may be lost on power loss),
    /// a busy timeout lets concurrent writers wait instead of failing, and the WAL is checkpointed into the
    /// database every <see cref="WalAutocheckpointPages"/> pages (40 MiB) instead of SQLite's 1,000 (4 MiB).
    /// </summary>
    /// <remarks>
    /// A checkpoint runs inside the commit that crosses the threshold, with two fsyncs; at SQLite's default it came every
    /// other ingest transaction and took about a third of the single writer's time. Ten times fewer checkpoints also write
    /// each index page changed by several transactions once instead of several times. The cost: a WAL file of up to
    /// about 40 MiB, replayed after a crash.
    /// </remarks>
    internal sealed class SqlitePragmas : DbConnectionInterceptor
    {
        /// <summary>WAL pages after which a commit checkpoints the WAL into the database file.</summary>
        public const int WalAutocheckpointPages = 10_000;

        private const string Sql = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=10000;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = Sql;
            cmd.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = Sql;
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Applies pending migrations; on SQLite also switches the file to WAL.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(SocmeDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        return pending;
    }
}
