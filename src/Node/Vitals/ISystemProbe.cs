using System.Net;

namespace Socme.Node.Vitals;

/// <summary>
/// Everything <see cref="VitalsCollector"/> asks of the machine: files, commands, disk space, addresses.
/// <see cref="LinuxSystemProbe"/> is the real one; tests pass a fake.
/// </summary>
public interface ISystemProbe
{
    /// <summary>The whole text of a (small) file, or null when it does not exist. Other errors (permission) throw.</summary>
    string? ReadFile(string path);

    /// <summary>Whether a file or a directory exists.</summary>
    bool Exists(string path);

    /// <summary>The full path of an executable found on <c>PATH</c> or in the usual system folders, or null.</summary>
    string? FindExecutable(string name);

    /// <summary>
    /// Runs a program (a bare name is looked up like <see cref="FindExecutable"/>) and returns its exit code and
    /// standard output; null when the program does not exist.
    /// </summary>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/> (it is killed).</exception>
    Task<CommandResult?> RunAsync(string file, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct);

    /// <summary>Size and free space (including blocks reserved for root) of a mounted file system, or null.</summary>
    DiskSpace? GetDiskSpace(string mountPoint);

    /// <summary>Every unicast address of every network interface.</summary>
    IReadOnlyList<InterfaceAddress> GetInterfaceAddresses();
}

/// <summary>What a finished command printed.</summary>
public sealed record CommandResult(int ExitCode, string Stdout);

/// <summary>A file system's size; used = total - free, as <c>df</c> counts it.</summary>
public readonly record struct DiskSpace(long TotalBytes, long FreeBytes);

/// <summary>One address of one interface.</summary>
public sealed record InterfaceAddress(string Interface, IPAddress Address, bool IsLoopback, bool IsUp);
