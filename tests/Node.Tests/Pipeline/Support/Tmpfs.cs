using System.Diagnostics;

namespace Socme.Node.Tests.Pipeline.Support;

/// <summary>
/// A tiny tmpfs mounted on a temporary folder: a real disk that fills up (ENOSPC), for the full-disk tests.
/// Mounting needs root (the test machines run the suite as root); the test fails with that reason otherwise.
/// </summary>
internal sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    public static Tmpfs Mount(string size)
    {
        var path = Directory.CreateTempSubdirectory("socme-node-tmpfs-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"The full-disk test mounts a {size} tmpfs and needs root (mount said: {output.Trim()}).");
        }
        return new Tmpfs(path);
    }

    /// <summary>Writes a filler file until the file system is full.</summary>
    public void Fill(string name = "filler")
    {
        var chunk = new byte[64 * 1024];
        using var f = new FileStream(System.IO.Path.Combine(Path, name), FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                f.Write(chunk);
            }
        }
        catch (IOException)
        {
            // Full.
        }
        chunk = new byte[512];
        try
        {
            while (true)
            {
                f.Write(chunk);
            }
        }
        catch (IOException)
        {
            // Full to the last page.
        }
    }

    public void Free(string name = "filler") => File.Delete(System.IO.Path.Combine(Path, name));

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS.
        }
    }
}
