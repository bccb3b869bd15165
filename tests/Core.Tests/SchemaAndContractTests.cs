using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Socme.Core.Data;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>The model has a migration for every change; the OpenAPI document names every operation.</summary>
public sealed class SchemaAndContractTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    [Fact]
    public async Task Model_HasNoChangesWithoutAMigration_OnThisProvider()
    {
        await using var scope = core.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();

        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model has changes with no {core.Db.Provider} migration: run scripts/add-migration.sh <Name>.");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheStableOperationIds()
    {
        using var http = core.CreateClient();
        var json = await http.GetStringAsync("/openapi/v1.json");
        using var doc = JsonDocument.Parse(json);

        var ids = doc.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject())
            .Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("operationId", out _))
            .Select(o => o.Value.GetProperty("operationId").GetString())
            .ToHashSet();
        foreach (var expected in new[] { "Ingest_Alerts", "Ingest_Heartbeat", "Alerts_List", "Alerts_Update", "Alerts_BulkUpdate", "Clients_Create", "Nodes_Enroll", "Users_Create", "Audit_List", "Auth_Token" })
        {
            Assert.Contains(expected, ids);
        }
    }

    [Fact]
    public async Task UnknownRoute_IsAProblemWithACode()
    {
        using var http = core.CreateClient();
        using var response = await http.GetAsync("/api/v1/nothing-here");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"code\":\"not_found\"", body, StringComparison.Ordinal);
    }
}
