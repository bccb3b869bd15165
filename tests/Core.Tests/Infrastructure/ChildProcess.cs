using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Socme.Core.Tests.Infrastructure;

/// <summary>
/// A real <c>socme-core</c> or <c>socme-node</c> process started from the test's output folder
/// (<c>dotnet NAME.dll ARGS</c>), its output kept for the failure message. Disposing kills it (SIGKILL) if it runs.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _standardOutput = new();
    private readonly StringBuilder _standardError = new();
    private readonly Lock _gate = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>What was written to stdout alone so far.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_gate)
            {
                return _standardOutput.ToString();
            }
        }
    }

    /// <summary>What was written to stderr alone so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return _standardError.ToString();
            }
        }
    }

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildProcess Start(string assembly, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string? workingDirectory = null, string? stdin = null)
    {
        // ./test.sh's PostgreSQL pass runs the native agent (Native AOT) it published: the deployable of docs/node.md.
        var native = assembly == "socme-node" ? Environment.GetEnvironmentVariable("SOCME_TEST_NODE_EXE") : null;
        var psi = new ProcessStartInfo(string.IsNullOrEmpty(native) ? "dotnet" : native)
        {
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (string.IsNullOrEmpty(native))
        {
            psi.ArgumentList.Add(Locate(assembly));
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process, assembly);
        process.OutputDataReceived += (_, e) => child.Append(e.Data, standardOutput: true);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data, standardOutput: false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }
        process.StandardInput.Close(); // a verb that reads standard input sees its end
        return child;
    }

    private void Append(string? line, bool standardOutput)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _output.AppendLine(line);
            (standardOutput ? _standardOutput : _standardError).AppendLine(line);
        }
    }

    /// <summary>kill -9 and wait for the process to be gone.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false); // SIGKILL on Unix
        }
        _process.WaitForExit();
    }

    /// <summary>Sends SIGINT (Ctrl-C) and waits for the exit, at most <paramref name="timeout"/>.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    /// <summary>
    /// Where the program is built. <c>socme-core</c> runs from the test's output (it needs the ASP.NET Core framework the
    /// tests also use); <c>socme-node</c> from its own project's output, since it carries the Microsoft.Extensions
    /// packages that the test output takes from the shared framework instead.
    /// </summary>
    public static string Locate(string assembly)
    {
        var local = new FileInfo(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));
        if (assembly != "socme-node")
        {
            return local.FullName;
        }
        var tfm = local.Directory!;                       // tests/Core.Tests/bin/<Configuration>/<tfm>
        var configuration = tfm.Parent!.Name;
        for (var dir = tfm; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SOCme.slnx")))
            {
                var built = Path.Combine(dir.FullName, "src", "Node", "bin", configuration, tfm.Name, assembly + ".dll");
                return File.Exists(built) ? built : throw new FileNotFoundException($"Build src/Node first ({configuration}).", built);
            }
        }
        throw new DirectoryNotFoundException("The repository root (SOCme.slnx) was not found above " + tfm.FullName);
    }

    /// <summary>
    /// A TCP port that was free a moment ago on 127.0.0.1, below Linux's ephemeral range (32768–60999): no outgoing
    /// connection can take it while a server is down and restarted on it.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                l.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }
}
