using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Socme.NodeBench;

/// <summary>Child processes pinned to a CPU, and what /proc tells about them and about the machine.</summary>
internal static partial class Proc
{
    /// <summary>Clock ticks per second of /proc's CPU times (USER_HZ; 100 on Linux).</summary>
    private const double Hz = 100.0;

    /// <summary>Every child's pid goes here, so that bench/node.sh can stop what a killed harness left.</summary>
    public static string? PidFile { get; set; }

    /// <summary>A process started through <c>taskset -c CPUS</c> (when <paramref name="cpus"/> is set), output to a log file.</summary>
    public static Process Start(string? cpus, string file, IEnumerable<string> args, string log, IDictionary<string, string>? env = null, string? workDir = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        var psi = Info(cpus, file, args, env);
        psi.RedirectStandardInput = true;
        psi.WorkingDirectory = workDir ?? Environment.CurrentDirectory;
        var p = new Process { StartInfo = psi };
        var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        p.OutputDataReceived += (_, e) => WriteLine(writer, e.Data);
        p.ErrorDataReceived += (_, e) => WriteLine(writer, e.Data);
        p.Start();
        if (PidFile is { } f)
        {
            File.AppendAllText(f, p.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static void WriteLine(StreamWriter w, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (w)
        {
            w.WriteLine(line);
        }
    }

    /// <summary>Runs a command to completion and returns its standard output (throws on a non-zero exit).</summary>
    public static async Task<string> RunAsync(string? cpus, string file, IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? env = null)
    {
        var psi = Info(cpus, file, args, env);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        if (PidFile is { } f)
        {
            await File.AppendAllTextAsync(f, p.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await p.WaitForExitAsync(cts.Token);
        var output = await stdout;
        var errors = await stderr;
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}: {errors.Trim()}");
        }
        return output;
    }

    private static ProcessStartInfo Info(string? cpus, string file, IEnumerable<string> args, IDictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(cpus is null ? file : "taskset") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (cpus is not null)
        {
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(cpus);
            psi.ArgumentList.Add(file);
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        return psi;
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>.</summary>
    public static async Task StopAsync(Process p, TimeSpan grace)
    {
        if (p.HasExited)
        {
            return;
        }
        _ = Kill(p.Id, 15);
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    /// <summary>User + system CPU seconds of a live process (its threads included).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
        return (long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture)) / Hz;
    }

    /// <summary>A field of /proc/PID/status in bytes (VmHWM: the peak resident set size; VmRSS: now).</summary>
    public static long StatusBytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var parts = line[(field.Length + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return -1;
    }

    /// <summary>Busy and total CPU seconds of one CPU (or all, for null) since boot, from /proc/stat.</summary>
    public static (double Busy, double Total) CpuTimes(int? cpu)
    {
        var name = cpu is { } c ? "cpu" + c.ToString(CultureInfo.InvariantCulture) : "cpu";
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 8 || parts[0] != name)
            {
                continue;
            }
            var v = parts.Skip(1).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal (guest time is already in user)
            var idle = v[3] + v[4];
            var total = v.Take(8).Sum();
            return ((total - idle) / Hz, total / Hz);
        }
        throw new InvalidOperationException($"/proc/stat has no {name} line");
    }

    /// <summary>Waits (at most <paramref name="limit"/>) until the CPU is less than <paramref name="busyFraction"/> busy over a second.</summary>
    public static async Task<double> WaitQuietAsync(int? cpu, double busyFraction, TimeSpan limit)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var a = CpuTimes(cpu);
            await Task.Delay(1000);
            var b = CpuTimes(cpu);
            var busy = (b.Busy - a.Busy) / Math.Max(0.01, b.Total - a.Total);
            if (busy < busyFraction || sw.Elapsed > limit)
            {
                return busy;
            }
        }
    }

    /// <summary>Pins the calling process (all its threads started later) to one CPU.</summary>
    public static void PinSelf(int cpu)
    {
        ulong mask = 1UL << cpu;
        _ = SchedSetAffinity(0, sizeof(ulong), ref mask);
    }

    /// <summary>A free TCP port on the loopback interface.</summary>
    public static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint size, ref ulong mask);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newPath);

    /// <summary>POSIX link(2): the agent sees a whole file appear at its path at once, without a copy.</summary>
    public static void HardLink(string existing, string newPath)
    {
        if (Link(existing, newPath) != 0)
        {
            throw new IOException($"link({existing}, {newPath}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
