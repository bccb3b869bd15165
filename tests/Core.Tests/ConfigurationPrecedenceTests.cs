using Microsoft.AspNetCore.Builder;
using Socme.Core.Infrastructure;

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
