using Microsoft.AspNetCore.Builder;
using Socme.Core.Infrastructure;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>appsettings.json &lt; SOCME_* environment &lt; command-line flags, whether or not flags are given.</summary>
public sealed class ConfigurationPrecedenceTests : IDisposable
{
    // Unique names so the process-wide variables cannot touch another test.
    private const string Section = "PrecedenceProbe7f3a";
    private readonly string _root = Directory.CreateTempSubdirectory("socme-config-").FullName;

    public ConfigurationPrecedenceTests()
    {
        File.WriteAllText(Path.Combine(_root, "appsettings.json"),
            $$"""{ "{{Section}}": { "FileOnly": "file", "Env": "file", "Flag": "file" } }""");
        Environment.SetEnvironmentVariable($"SOCME_{Section}__Env", "env");
        Environment.SetEnvironmentVariable($"SOCME_{Section}__Flag", "env");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable($"SOCME_{Section}__Env", null);
        Environment.SetEnvironmentVariable($"SOCME_{Section}__Flag", null);
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EnvironmentOverridesFile_AndFlagsOverrideEnvironment(bool withFlags)
    {
        string[] args = withFlags ? ["serve", $"--{Section}:Flag", "flag"] : [];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = _root });

        CoreApp.AddPrefixedEnvironmentBeforeCommandLine(builder.Configuration);

        Assert.Equal("file", builder.Configuration[$"{Section}:FileOnly"]);
        Assert.Equal("env", builder.Configuration[$"{Section}:Env"]);
        Assert.Equal(withFlags ? "flag" : "env", builder.Configuration[$"{Section}:Flag"]);
    }
}

/// <summary>The settings shipped beside <c>socme-core</c> apply whatever the working folder (e.g. the repository root).</summary>
public sealed class ShippedSettingsTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private string _cwd = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _cwd = Directory.CreateTempSubdirectory("socme-cwd-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_cwd, recursive: true);
    }

    [Fact]
    public async Task Migrate_FromAFolderWithoutSettings_UsesTheShippedLogLevels()
    {
        // The shipped appsettings.json sets Microsoft.EntityFrameworkCore to Warning: without it, a migration logs
        // every SQL command at Information.
        using var migrate = Infrastructure.ChildProcess.Start("socme-core", ["migrate"], new Dictionary<string, string>
        {
            ["SOCME_DataDir"] = _db.DataDir,
            ["SOCME_Database__Provider"] = _db.Provider,
            ["SOCME_Database__ConnectionString"] = _db.ConnectionString,
        }, workingDirectory: _cwd);

        Assert.Equal(0, await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.DoesNotContain("info: Microsoft.EntityFrameworkCore", migrate.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_cwd, "appsettings.json")));
    }
}
