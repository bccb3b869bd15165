using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Socme.Core.Data;

namespace Socme.Core.Migrations.Postgres;

/// <summary>Used only by <c>dotnet ef</c> (scripts/add-migration.sh) to build the model for PostgreSQL; never connects.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<SocmeDbContext>
{
    public SocmeDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SocmeDbContext>()
            .UseNpgsql("Host=localhost;Database=socme_design", x => x.MigrationsAssembly(typeof(DesignTimeFactory).Assembly.GetName().Name))
            .Options);
}
