using System.Runtime.InteropServices;

namespace Socme.Core.Features.Demo;

/// <summary>POSIX <c>link(2)</c>: .NET has symbolic links but no hard links, and Wazuh's alerts.json is a hard link.</summary>
internal static partial class HardLink
{
    public static void Create(string existing, string newPath)
    {
        if (Link(existing, newPath) != 0)
        {
            throw new IOException($"link({existing}, {newPath}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newPath);
}
