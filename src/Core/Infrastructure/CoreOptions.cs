using System.ComponentModel.DataAnnotations;

namespace Socme.Core.Infrastructure;

/// <summary>Which database the core uses.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Top-level options: <c>DataDir</c> and the <c>Database</c> section.</summary>
public sealed class CoreOptions
{
    /// <summary>The core's data folder (SQLite database, local state). Created when missing.</summary>
    [Required]
    public string DataDir { get; set; } = "data";
}

/// <summary>The <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite, optional (default <c>DataDir/socme.db</c>); for PostgreSQL, required.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations when <c>serve</c> starts (the <c>--migrate</c> flag sets it too).</summary>
    public bool MigrateOnStart { get; set; }
}
