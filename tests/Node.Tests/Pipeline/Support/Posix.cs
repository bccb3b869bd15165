using System.Runtime.InteropServices;

namespace Socme.Node.Tests.Pipeline.Support;

/// <summary>Hard links (which .NET has no API for): Wazuh re-links alerts.json to its dated archive.</summary>
internal static class Posix
{
    public static void Link(string existing, string newPath)
    {
        if (NativeMethods.Link(existing, newPath) != 0)
        {
            throw new IOException($"link({existing}, {newPath}) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc.so.6", EntryPoint = "link", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        public static extern int Link(string existing, string newPath);
    }
}
