using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Socme.Node.Tailing;

/// <summary>A file's identity (device, inode) and its size, as the kernel reports them.</summary>
internal readonly record struct FileStat(ulong Device, ulong Inode, long Size)
{
    public bool SameFile(in FileStat other) => Device == other.Device && Inode == other.Inode;
}

/// <summary>
/// (st_dev, st_ino, st_size) through Linux <c>statx(2)</c>, for a path or an open handle.
/// </summary>
/// <remarks>
/// <c>statx</c> is used rather than <c>stat</c>/<c>fstat</c> because its <c>struct statx</c> has one layout on every
/// architecture (x86_64 and arm64 alike) and it exists as a plain glibc symbol since 2.28, while <c>struct stat</c>
/// differs between architectures and older glibc only exports <c>__xstat</c>. The device number is rebuilt with
/// glibc's <c>makedev</c> encoding so it equals <c>stat -c %d</c>.
/// </remarks>
internal static class FileIdentity
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    /// <summary>The stat of a path (following symbolic links); false when it does not exist.</summary>
    public static bool TryStat(string path, out FileStat stat)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = NullTerminated(path);
        if (NativeMethods.Statx(AtFdCwd, bytes, 0, StatxBasicStats, out var buf) == 0)
        {
            stat = buf.ToStat();
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        stat = default;
        if (errno is ENOENT or ENOTDIR)
        {
            return false;
        }
        throw new IOException($"statx({path}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }

    /// <summary>The stat of an open file.</summary>
    public static FileStat Stat(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            if (NativeMethods.Statx(fd, [0], AtEmptyPath, StatxBasicStats, out var buf) == 0)
            {
                return buf.ToStat();
            }
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"statx(fd {fd}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static byte[] NullTerminated(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    /// <summary>glibc's <c>makedev(major, minor)</c>.</summary>
    internal static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0x00000fffu) << 8) | ((ulong)(major & 0xfffff000u) << 32)
        | (minor & 0x000000ffu) | ((ulong)(minor & 0xffffff00u) << 12);

    /// <summary>The part of <c>struct statx</c> (256 bytes, the same on every architecture) that is read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;

        public readonly FileStat ToStat() => new(MakeDev(DevMajor, DevMinor), Ino, (long)Size);
    }

    private static class NativeMethods
    {
        // "libc.so.6" (glibc's soname) rather than "libc": the latter resolves to a linker script on machines with
        // libc6-dev and to nothing on machines without it.
        [DllImport("libc.so.6", EntryPoint = "statx", SetLastError = true)]
        public static extern int Statx(int dirfd, byte[] path, int flags, uint mask, out StatxBuffer buffer);
    }
}
