using Npgsql;

namespace Socme.Core.Tests.Infrastructure;

/// <summary>
/// The database under test, chosen by <c>SOCME_TEST_DB</c> (<c>sqlite</c>, the default, or <c>postgres</c>
/// with <c>SOCME_TEST_PG</c> = an Npgsql connection string to a server where the user may create databases).
/// Each instance owns a fresh database and removes it when disposed.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _adminConnection;

    private TestDatabase(string provider, string connectionString, string dataDir, string? adminConnection, string? name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        DataDir = dataDir;
        _adminConnection = adminConnection;
        Name = name;
    }

    /// <summary><c>Sqlite</c> or <c>Postgres</c> (the core's <c>Database:Provider</c> values).</summary>
    public string Provider { get; }
    public string ConnectionString { get; }
    public string DataDir { get; }
    private string? Name { get; }

    public bool IsPostgres => Provider == "Postgres";

    public static string Selected => (Environment.GetEnvironmentVariable("SOCME_TEST_DB") ?? "sqlite").Trim().ToLowerInvariant();

    public static async Task<TestDatabase> CreateAsync()
    {
        var dataDir = Directory.CreateTempSubdirectory("socme-test-").FullName;
        if (Selected == "postgres")
        {
            var admin = Environment.GetEnvironmentVariable("SOCME_TEST_PG")
                ?? throw new InvalidOperationException("SOCME_TEST_DB=postgres needs SOCME_TEST_PG (an Npgsql connection string).");
            var name = "socme_t_" + Guid.NewGuid().ToString("N")[..16];
            await using (var conn = new NpgsqlConnection(admin))
            {
                await conn.OpenAsync();
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = $"CREATE DATABASE {name}";
                await cmd.ExecuteNonQueryAsync();
            }
            var csb = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 50 };
            return new TestDatabase("Postgres", csb.ConnectionString, dataDir, admin, name);
        }
        if (Selected != "sqlite")
        {
            throw new InvalidOperationException($"SOCME_TEST_DB must be sqlite or postgres, not '{Selected}'.");
        }
        return new TestDatabase("Sqlite", "", dataDir, null, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnection is not null && Name is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(_adminConnection);
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)";
            await cmd.ExecuteNonQueryAsync();
        }
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a pooled SQLite connection; the temp folder is cleaned by the OS.
        }
    }
}
