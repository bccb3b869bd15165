using Npgsql;

namespace Socme.Bench;

/// <summary>Fresh databases on the benchmark's PostgreSQL server (one per run), dropped afterwards.</summary>
internal sealed class PostgresServer(string adminConnectionString)
{
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await ExecAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        await ExecAsync($"CREATE DATABASE {name}");
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    public Task DropDatabaseAsync(string name) => ExecAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    public async Task<string> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(adminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>The settings that matter for write throughput, as one line.</summary>
    public async Task<string> DescribeAsync()
    {
        var names = new[] { "server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_level", "shared_buffers", "max_wal_size", "checkpoint_timeout" };
        var parts = new List<string>();
        foreach (var n in names)
        {
            parts.Add($"{n}={await ScalarAsync($"SHOW {n}")}");
        }
        return string.Join(", ", parts);
    }

    /// <summary>
    /// Production durability on the throwaway cluster (it starts with fsync, synchronous_commit and full_page_writes
    /// off for fast tests): ALTER SYSTEM + reload, then waits until a new session sees it.
    /// </summary>
    public async Task MakeDurableAsync()
    {
        foreach (var setting in new[] { "fsync", "synchronous_commit", "full_page_writes" })
        {
            await ExecAsync($"ALTER SYSTEM SET {setting} = on");
        }
        await ScalarAsync("SELECT pg_reload_conf()");
        for (var i = 0; i < 50; i++)
        {
            if (await ScalarAsync("SHOW fsync") == "on" && await ScalarAsync("SHOW full_page_writes") == "on")
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("PostgreSQL did not take fsync=on after pg_reload_conf().");
    }

    private async Task ExecAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(adminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
