using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Socme.Core.Data;

namespace Socme.Core.Migrations.Sqlite;

/// <summary>Used only by <c>dotnet ef</c> (scripts/add-migration.sh) to build the model for SQLite.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<SocmeDbContext>
{
    public SocmeDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SocmeDbContext>()
            .UseSqlite("Data Source=design-time.db", x => x.MigrationsAssembly(typeof(DesignTimeFactory).Assembly.GetName().Name))
            .Options);
}
