using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.NetworkInformation;
using System.Text;

namespace Socme.Node.Vitals;

/// <summary>The real <see cref="ISystemProbe"/>: the file system, <c>/proc</c>, child processes, statvfs, interfaces.</summary>
/// <remarks>
/// Commands run with <c>LC_ALL=C</c> (stable output) and no pager; stderr is read and dropped so that a tool's
/// complaint (<c>System has not been booted with systemd</c>) never reaches the terminal of <c>socme-node fetch</c>.
/// Output is capped (<see cref="MaxOutputChars"/>); the rest is drained so the child never blocks on a full pipe.
/// </remarks>
public sealed class LinuxSystemProbe(TimeProvider? time = null) : ISystemProbe
{
    /// <summary>Most characters kept from a command's standard output.</summary>
    public const int MaxOutputChars = 1024 * 1024;

    private const int MaxFileBytes = 4 * 1024 * 1024;

    // Searched after PATH: a systemd unit's PATH is short, and NixOS keeps its tools under /run/current-system.
    private static readonly string[] ExtraBinDirs =
    [
        "/run/wrappers/bin", "/run/current-system/sw/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
    ];

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string? ReadFile(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            // /proc files report a length of 0: read to the end, bounded.
            var buffer = new byte[64 * 1024];
            using var memory = new MemoryStream();
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                memory.Write(buffer, 0, n);
                if (memory.Length > MaxFileBytes)
                {
                    throw new IOException($"{path} is larger than {MaxFileBytes} bytes.");
                }
            }
            return Encoding.UTF8.GetString(memory.GetBuffer(), 0, (int)memory.Length);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    public string? FindExecutable(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(name) ? name : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(ExtraBinDirs))
        {
            var candidate = Path.Combine(dir, name);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    public async Task<CommandResult?> RunAsync(string file, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var resolved = FindExecutable(file);
        if (resolved is null)
        {
            return null;
        }
        var info = new ProcessStartInfo(resolved)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["LC_ALL"] = "C";
        info.Environment["SYSTEMD_PAGER"] = "";
        info.Environment["SYSTEMD_COLORS"] = "0";
        info.Environment["NO_COLOR"] = "1";

        using var process = new Process { StartInfo = info };
        try
        {
            if (!process.Start())
            {
                return null;
            }
        }
        catch (Win32Exception)
        {
            // Vanished between the lookup and the start, or not executable by this user.
            return null;
        }
        process.StandardInput.Close();

        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var stdout = ReadCappedAsync(process.StandardOutput, MaxOutputChars, linked.Token);
        var stderr = ReadCappedAsync(process.StandardError, 0, linked.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token);
            // A grandchild that inherited the pipes could keep them open after the child exits: bounded too.
            var output = await stdout.WaitAsync(linked.Token);
            await stderr.WaitAsync(linked.Token);
            return new CommandResult(process.ExitCode, output);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{file} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0.#} s."));
        }
    }

    public DiskSpace? GetDiskSpace(string mountPoint)
    {
        try
        {
            var drive = new DriveInfo(mountPoint);
            return new DiskSpace(drive.TotalSize, drive.TotalFreeSpace);
        }
        catch (DriveNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public IReadOnlyList<InterfaceAddress> GetInterfaceAddresses()
    {
        var list = new List<InterfaceAddress>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            // Tunnels (tailscale0, wg0) report Unknown rather than Up.
            var up = nic.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown;
            var loopback = nic.NetworkInterfaceType == NetworkInterfaceType.Loopback;
            foreach (var a in nic.GetIPProperties().UnicastAddresses)
            {
                list.Add(new InterfaceAddress(nic.Name, a.Address, loopback, up));
            }
        }
        return list;
    }

    private static bool IsExecutable(string path)
    {
        try
        {
            return File.Exists(path)
                && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader, int cap, CancellationToken ct)
    {
        var kept = new StringBuilder();
        var buffer = new char[8192];
        int n;
        while ((n = await reader.ReadAsync(buffer.AsMemory(), ct)) > 0)
        {
            var room = cap - kept.Length;
            if (room > 0)
            {
                kept.Append(buffer, 0, Math.Min(room, n));
            }
        }
        return kept.ToString();
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Not ours to kill any more.
        }
    }
}
