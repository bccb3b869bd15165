using System.Runtime.InteropServices;

namespace Socme.Node.Checkpoints;

/// <summary>
/// Crash-safe replacement of a small file: write a temp file beside it, fsync it, rename it over the target, fsync
/// the directory. After a crash or a failed write (a full disk) the target is either the old or the new content,
/// never a mix, and never empty.
/// </summary>
internal static class AtomicFile
{
    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000;

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/>.</summary>
    /// <param name="path">The file to replace.</param>
    /// <param name="content">Its new content.</param>
    /// <param name="durable">fsync the file and the directory (checkpoints, the spool cursor); false for files that
    /// are only informational (status), which still never appear half-written.</param>
    public static void Write(string path, ReadOnlySpan<byte> content, bool durable = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        var temp = path + ".tmp";
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                RandomAccess.Write(handle, content, 0);
                if (durable)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        if (durable)
        {
            FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
    }

    /// <summary>Makes a directory's entries (a created, renamed or deleted file) durable.</summary>
    /// <remarks>.NET refuses to open a directory as a file, hence the direct <c>open</c>/<c>fsync</c>.</remarks>
    public static void FsyncDirectory(string directory)
    {
        var path = new byte[System.Text.Encoding.UTF8.GetByteCount(directory) + 1];
        System.Text.Encoding.UTF8.GetBytes(directory, path);
        var fd = NativeMethods.Open(path, ORdOnly | OCloExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Cannot open the directory {directory} to fsync it: {Marshal.GetPInvokeErrorMessage(errno)}.");
        }
        try
        {
            if (NativeMethods.Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync of the directory {directory} failed: {Marshal.GetPInvokeErrorMessage(errno)}.");
            }
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is replaced by the next write.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc.so.6", EntryPoint = "open", SetLastError = true)]
        public static extern int Open(byte[] path, int flags);

        [DllImport("libc.so.6", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [DllImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);
    }
}
