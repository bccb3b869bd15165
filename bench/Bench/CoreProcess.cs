using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Socme.Client;

namespace Socme.Bench;

/// <summary>An admin the harness created: what it signs in with (console) and its API token (REST).</summary>
internal sealed record AdminLogin(string Email, string Password, string ApiToken);

/// <summary>Where a core process keeps its data: a SQLite data folder, or a PostgreSQL database.</summary>
internal sealed record CoreTarget(Provider Provider, string DataDir, string? ConnectionString)
{
    public string SqlitePath => Path.Combine(DataDir, "socme.db");
}

/// <summary>
/// The real deployable as a child process: <c>dotnet socme-core.dll VERB</c> with <c>SOCME_*</c> environment
/// variables, its output in a log file. Every child's pid goes to <c>children.pids</c> in the work folder so that
/// bench/run.sh can stop what is left if the harness itself is killed.
/// </summary>
internal sealed class CoreProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string logPath;

    private CoreProcess(Process process, Uri baseAddress, string logPath)
    {
        this.process = process;
        BaseAddress = baseAddress;
        this.logPath = logPath;
    }

    public Uri BaseAddress { get; }

    public int Pid => process.Id;

    /// <summary>CPU time (user + system) the core has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>Runs a verb to completion (migrate, create-admin); returns its standard output; throws on a non-zero exit.</summary>
    public static async Task<string> RunVerbAsync(BenchConfig config, CoreTarget target, string logName, params string[] args)
    {
        var log = Path.Combine(config.WorkDir, "logs", logName + ".log");
        using var p = Create(config, target, args, log);
        p.StartInfo.RedirectStandardInput = true;
        p.Start();
        Register(config, p.Id);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        var errors = await stderr;
        await File.WriteAllTextAsync(log, $"$ socme-core {string.Join(' ', args)}\n--- stdout\n{output}\n--- stderr\n{errors}\n--- exit {p.ExitCode}\n");
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"socme-core {args[0]} exited with {p.ExitCode}: {errors.Trim()} (log: {log})");
        }
        return output;
    }

    public static Task MigrateAsync(BenchConfig config, CoreTarget target, string logName) =>
        RunVerbAsync(config, target, logName, "migrate");

    /// <summary>Creates an admin; returns its API token.</summary>
    public static async Task<string> CreateAdminAsync(BenchConfig config, CoreTarget target, string logName) =>
        (await CreateAdminLoginAsync(config, target, logName)).ApiToken;

    /// <summary>
    /// Creates an admin; returns its email, password and API token. Standard input is empty, so create-admin generates
    /// the password and prints it with the token (<c>{"email","password","apiToken"}</c>): the harness knows it and can
    /// sign in through the console like a browser.
    /// </summary>
    public static async Task<AdminLogin> CreateAdminLoginAsync(BenchConfig config, CoreTarget target, string logName)
    {
        var output = await RunVerbAsync(config, target, logName, "create-admin", "--email", "bench-admin@bench.socme.local", "--name", "Bench admin");
        var json = output.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith('{'));
        using var doc = JsonDocument.Parse(json);
        string Get(string name) => doc.RootElement.GetProperty(name).GetString() ?? throw new InvalidOperationException($"create-admin printed no {name}.");
        return new AdminLogin(Get("email"), Get("password"), Get("apiToken"));
    }

    /// <summary>
    /// Starts <c>serve --migrate</c> on a free port (with <paramref name="environment"/> added to its environment) and waits
    /// until <c>/healthz</c> answers ok.
    /// </summary>
    public static async Task<CoreProcess> StartAsync(BenchConfig config, CoreTarget target, string logName, IReadOnlyDictionary<string, string>? environment = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var url = $"http://127.0.0.1:{port}";
            var log = Path.Combine(config.WorkDir, "logs", $"{logName}.serve.log");
            // `serve --migrate --urls URL` would be the natural call, but with any command-line argument the core's
            // configuration puts the SOCME_* variables below appsettings.json (CoreApp.AddPrefixedEnvironmentBeforeCommandLine
            // inserts them before the host's command-line source, the first one), so SOCME_DataDir and SOCME_Database__*
            // would be ignored. Without arguments they apply; the URL and --migrate go through the environment instead.
            var p = Create(config, target, ["serve"], log);
            p.StartInfo.Environment["ASPNETCORE_URLS"] = url;
            p.StartInfo.Environment["SOCME_Database__MigrateOnStart"] = "true";
            foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            {
                p.StartInfo.Environment[key] = value;
            }
            var writer = new StreamWriter(log, append: true, Encoding.UTF8) { AutoFlush = true };
            p.OutputDataReceived += (_, e) => Write(writer, e.Data);
            p.ErrorDataReceived += (_, e) => Write(writer, e.Data);
            p.Start();
            Register(config, p.Id);
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            var core = new CoreProcess(p, new Uri(url + "/"), log);
            try
            {
                await core.WaitHealthyAsync(TimeSpan.FromSeconds(60));
                return core;
            }
            catch (InvalidOperationException) when (attempt < 3 && p.HasExited && File.ReadAllText(log).Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await core.DisposeAsync();
            }
            catch
            {
                await core.DisposeAsync();
                throw;
            }
        }
    }

    private static void Write(StreamWriter writer, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (writer)
        {
            writer.WriteLine(line);
        }
    }

    private async Task WaitHealthyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"socme-core exited with {process.ExitCode} before it was healthy. Log {logPath}:\n{Tail(logPath)}");
            }
            try
            {
                using var response = await http.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync()).Trim() == "ok")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // slow start
            }
            if (deadline.Elapsed > limit)
            {
                throw new InvalidOperationException($"socme-core was not healthy after {limit.TotalSeconds:0} s. Log {logPath}:\n{Tail(logPath)}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A client of this core with <paramref name="token"/>; one connection pool per client, like separate machines.</summary>
    public SocmeClient Client(string? token)
    {
#pragma warning disable CA2000 // the HttpClient owns the handler and lives as long as the SocmeClient
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.None };
        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
#pragma warning restore CA2000
        return new SocmeClient(http).WithToken(token);
    }

    /// <summary>SIGTERM (graceful shutdown), then SIGKILL after 20 s.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
                {
                    if (kill is not null)
                    {
                        await kill.WaitForExitAsync();
                    }
                }
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    private static Process Create(BenchConfig config, CoreTarget target, string[] args, string log)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The content root (appsettings.json) is the working directory.
            WorkingDirectory = Path.GetDirectoryName(config.CoreDll)!,
        };
        psi.ArgumentList.Add(config.CoreDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["SOCME_DataDir"] = target.DataDir;
        psi.Environment["SOCME_Database__Provider"] = target.Provider.ToString();
        psi.Environment["SOCME_Database__ConnectionString"] = target.ConnectionString ?? "";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return new Process { StartInfo = psi };
    }

    private static void Register(BenchConfig config, int pid)
    {
        File.AppendAllText(Path.Combine(config.WorkDir, "children.pids"), pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string Tail(string path)
    {
        try
        {
            return string.Join('\n', File.ReadLines(path).TakeLast(40));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}
