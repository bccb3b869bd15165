using System.Net;
using Socme.Node.Vitals;

namespace Socme.Node.Tests.Vitals;

/// <summary>A machine made of literals: files, paths that exist, executables, canned command answers.</summary>
internal sealed class FakeSystemProbe : ISystemProbe
{
    private readonly Dictionary<string, Queue<string>> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<CommandResult?>> _commands = new(StringComparer.Ordinal);

    public HashSet<string> Paths { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Executables { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DiskSpace> Disks { get; } = new(StringComparer.Ordinal);

    public List<InterfaceAddress> Addresses { get; } = [];

    /// <summary>Every command run, as "file arg arg".</summary>
    public List<string> Ran { get; } = [];

    /// <summary>Paths whose reading throws (permission denied).</summary>
    public HashSet<string> Unreadable { get; } = new(StringComparer.Ordinal);

    /// <summary>A file's content; several contents are returned one per read, the last one repeating.</summary>
    public FakeSystemProbe File(string path, params string[] contents)
    {
        _files[path] = new Queue<string>(contents);
        Paths.Add(path);
        return this;
    }

    public FakeSystemProbe Executable(string name, string path)
    {
        Executables[name] = path;
        Paths.Add(path);
        return this;
    }

    /// <summary>The answer to "file arg arg" (an executable named file must also exist).</summary>
    public FakeSystemProbe Command(string commandLine, Func<CommandResult?> answer)
    {
        _commands[commandLine] = answer;
        return this;
    }

    public FakeSystemProbe Command(string commandLine, int exitCode, string stdout) => Command(commandLine, () => new CommandResult(exitCode, stdout));

    public string? ReadFile(string path)
    {
        if (Unreadable.Contains(path))
        {
            throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
        }
        if (!_files.TryGetValue(path, out var queue))
        {
            return null;
        }
        return queue.Count > 1 ? queue.Dequeue() : queue.Peek();
    }

    public bool Exists(string path) => Paths.Contains(path);

    public string? FindExecutable(string name) =>
        name.Contains('/', StringComparison.Ordinal) ? (Paths.Contains(name) ? name : null) : Executables.GetValueOrDefault(name);

    public Task<CommandResult?> RunAsync(string file, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct)
    {
        var line = string.Join(' ', new[] { file }.Concat(args));
        lock (Ran)
        {
            Ran.Add(line);
        }
        if (FindExecutable(file) is null)
        {
            return Task.FromResult<CommandResult?>(null);
        }
        // A present binary with no canned answer fails like a real tool would.
        return Task.FromResult(_commands.TryGetValue(line, out var answer) ? answer() : new CommandResult(1, ""));
    }

    public DiskSpace? GetDiskSpace(string mountPoint) => Disks.TryGetValue(mountPoint, out var d) ? d : null;

    public IReadOnlyList<InterfaceAddress> GetInterfaceAddresses() => Addresses;

    public FakeSystemProbe Address(string nic, string ip, bool loopback = false, bool up = true)
    {
        Addresses.Add(new InterfaceAddress(nic, IPAddress.Parse(ip), loopback, up));
        return this;
    }
}
