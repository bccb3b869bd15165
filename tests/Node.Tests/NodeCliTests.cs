using System.Diagnostics;
using System.Text.Json;

namespace Socme.Node.Tests;

/// <summary>The real <c>socme-node</c> executable's <c>fetch</c>, <c>run</c> (bad settings) and <c>status</c> verbs.</summary>
public sealed class NodeCliTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("socme-node-cli-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task FetchJson_PrintsThisMachinesVitals()
    {
        var (code, stdout, stderr) = await RunAsync("fetch", "--json", "--data", _data);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/hostname").Trim(), root.GetProperty("hostname").GetString());
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), root.GetProperty("kernel").GetString());
        Assert.True(root.GetProperty("memory").GetProperty("totalBytes").GetInt64() > 0);
        Assert.True(root.GetProperty("cpu").GetProperty("cores").GetInt32() >= 1);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("agentVersion").GetString()));
    }

    [Fact]
    public async Task Fetch_Text_HasAlignedLabelsAndNoColoursWhenRedirected()
    {
        var (code, stdout, stderr) = await RunAsync("fetch", "--data", _data);

        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("\u001b[", stdout, StringComparison.Ordinal);
        Assert.Contains("socme-node@", stdout, StringComparison.Ordinal);
        // Wazuh is not installed on the build machine: shown as such, not as an error.
        Assert.Contains("not installed", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutCoreOrSources_NamesEveryProblemAndExits2()
    {
        var (code, _, stderr) = await RunAsync("run", "--data", _data);

        Assert.Equal(2, code);
        Assert.Contains("No core URL", stderr, StringComparison.Ordinal);
        Assert.Contains("No source", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithAMissingConfigFile_SaysSo()
    {
        var (code, _, stderr) = await RunAsync("run", "--config", Path.Combine(_data, "nope.json"));

        Assert.Equal(2, code);
        Assert.Contains("nope.json does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_BeforeTheAgentEverRan_ExplainsAndExits1()
    {
        var (code, _, stderr) = await RunAsync("status", "--data", _data);

        Assert.Equal(1, code);
        Assert.StartsWith("socme-node status:", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "socme-node.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment.Remove("NO_COLOR");
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
