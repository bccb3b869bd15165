using System.Text.Json;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>The real <c>socme-core</c> executable's verbs: migrate, create-admin, and serve refusing an unmigrated database.</summary>
public sealed class CliVerbTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Migrate_ThenCreateAdmin_PrintsCredentialsThatWork()
    {
        var serveBefore = await RunAsync(["serve", "--urls", "http://127.0.0.1:0"], stdin: null);
        var adminBeforeMigrate = await RunAsync(["create-admin", "--email", "early@soc.example"], stdin: null);
        var migrate = await RunAsync(["migrate"], stdin: null);
        var generated = await RunAsync(["create-admin", "--email", "root@soc.example"], stdin: null);
        var given = await RunAsync(["create-admin", "--email", "second@soc.example"], stdin: "a-long-passphrase-of-mine\n");
        var placeholder = await RunAsync(["create-admin", "--email", "third@soc.example"], stdin: "changeme\n");
        var duplicate = await RunAsync(["create-admin", "--email", "root@soc.example"], stdin: null);

        Assert.Equal(2, serveBefore.Code);
        Assert.Contains("pending migration", serveBefore.Err, StringComparison.Ordinal);
        Assert.Equal(1, adminBeforeMigrate.Code);
        Assert.Equal(0, migrate.Code);
        Assert.Equal(0, generated.Code);
        using var json = JsonDocument.Parse(generated.Out);
        Assert.Equal("root@soc.example", json.RootElement.GetProperty("email").GetString());
        Assert.True(json.RootElement.GetProperty("password").GetString()!.Length >= 20);
        Assert.StartsWith("socme_pat_", json.RootElement.GetProperty("apiToken").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, given.Code);
        Assert.Equal("a-long-passphrase-of-mine", JsonDocument.Parse(given.Out).RootElement.GetProperty("password").GetString());
        Assert.Equal(1, placeholder.Code);
        Assert.Contains("well-known default", placeholder.Err, StringComparison.Ordinal);
        Assert.Equal(1, duplicate.Code);
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(string[] args, string? stdin)
    {
        using var p = ChildProcess.Start("socme-core", args, new Dictionary<string, string>
        {
            ["SOCME_DataDir"] = _db.DataDir,
            ["SOCME_Database__Provider"] = _db.Provider,
            ["SOCME_Database__ConnectionString"] = _db.ConnectionString,
            ["Logging__LogLevel__Default"] = "Warning",
        }, stdin: stdin);
        var code = await p.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (code, p.StandardOutput, p.StandardError);
    }
}
