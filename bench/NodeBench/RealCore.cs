using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Socme.Client;

namespace Socme.NodeBench;

/// <summary>
/// The real core, <c>socme-core serve</c> on SQLite in a fresh data folder, with an admin, a client and a node whose
/// enrolment code the agent redeems with <c>socme-node enroll</c>. (Arguments after <c>serve</c> would put the
/// <c>SOCME_*</c> variables below appsettings.json, see docs/performance.md: the URL and the migration go through the
/// environment.)
/// </summary>
internal sealed class RealCore : IAsyncDisposable
{
    private readonly Process _process;

    private RealCore(Process process, Uri address, string dataDir, string adminToken)
    {
        _process = process;
        Address = address;
        DataDir = dataDir;
        AdminToken = adminToken;
    }

    public Uri Address { get; }

    public string DataDir { get; }

    public string AdminToken { get; }

    public int Pid => _process.Id;

    public static async Task<RealCore> StartAsync(NodeBenchConfig config, string dataDir, string? cpus, string logDir)
    {
        Directory.CreateDirectory(dataDir);
        var env = new Dictionary<string, string>
        {
            ["SOCME_DataDir"] = dataDir,
            ["SOCME_Database__Provider"] = "Sqlite",
            ["SOCME_Database__ConnectionString"] = "",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        var coreDir = Path.GetDirectoryName(config.CoreDll)!;
        await Proc.RunAsync(cpus, "bash", ["-c", $"cd '{coreDir}' && exec dotnet '{config.CoreDll}' migrate"], TimeSpan.FromMinutes(5), env);
        var admin = await Proc.RunAsync(cpus, "bash", ["-c", $"cd '{coreDir}' && exec dotnet '{config.CoreDll}' create-admin --email nodebench@bench.socme.local --name 'Node bench'"], TimeSpan.FromMinutes(5), env);
        var json = admin.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith('{'));
        string token;
        using (var doc = JsonDocument.Parse(json))
        {
            token = doc.RootElement.GetProperty("apiToken").GetString() ?? throw new InvalidOperationException("create-admin printed no apiToken");
        }

        var port = Proc.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var p = Proc.Start(cpus, "dotnet", [config.CoreDll, "serve"], Path.Combine(logDir, "core.log"), env, coreDir);
        var core = new RealCore(p, url, dataDir, token);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (p.HasExited)
            {
                throw new InvalidOperationException($"socme-core exited with {p.ExitCode}; see {logDir}/core.log");
            }
            try
            {
                using var r = await http.GetAsync(new Uri("healthz", UriKind.Relative));
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    return core;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (sw.Elapsed > TimeSpan.FromSeconds(60))
            {
                await core.DisposeAsync();
                throw new InvalidOperationException($"socme-core was not healthy within 60 s; see {logDir}/core.log");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A client of the core with the admin's token.</summary>
    public SocmeClient Admin()
    {
#pragma warning disable CA2000 // the HttpClient owns the handler and lives as long as the SocmeClient
        var http = new HttpClient(new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
#pragma warning restore CA2000
        return new SocmeClient(http).WithToken(AdminToken);
    }

    /// <summary>Creates a client and a node and enrols <paramref name="dataDir"/> with <c>socme-node enroll</c>.</summary>
    public async Task EnrollAsync(NodeBenchConfig config, SocmeClient admin, string name, string dataDir, string? cpus)
    {
        var client = await admin.CreateClientAsync(new CreateClientRequest(name));
        var node = await admin.CreateNodeAsync(client.Id, new CreateNodeRequest(name + "-node"));
        Directory.CreateDirectory(dataDir);
        var noKeys = Path.Combine(dataDir, "..", "no-ssh-keys");
        Directory.CreateDirectory(noKeys);
        var (file, args) = config.Node("enroll", "--core", Address.ToString(), "--code", node.EnrollmentCode, "--data", dataDir, "--ssh-dir", noKeys);
        await Proc.RunAsync(cpus, file, args, TimeSpan.FromMinutes(2));
    }

    public double CpuSeconds => Proc.CpuSeconds(_process.Id);


    public async ValueTask DisposeAsync()
    {
        await Proc.StopAsync(_process, TimeSpan.FromSeconds(20));
        _process.Dispose();
    }
}
