using System.Diagnostics;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Socme.NodeBench;

/// <summary>
/// The limit: read the file in 256 KiB blocks (as the agent's tailer does), cut it into lines and run one
/// <see cref="Utf8JsonReader"/> over every token of every line. No classification, no output. Runs in its own process,
/// pinned like the agent.
/// </summary>
internal static class BarePass
{
    public sealed record Result(long Lines, long Bytes, long Tokens, double Seconds, double CpuSeconds);

    public static Result Run(string path)
    {
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[1024 * 1024];
        var count = 0;
        long offset = 0, lines = 0, tokens = 0, bytes = 0;
        while (true)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(count, Math.Min(256 * 1024, buffer.Length - count)), offset);
            if (n <= 0)
            {
                break;
            }
            offset += n;
            count += n;
            bytes += n;
            var start = 0;
            while (true)
            {
                var nl = buffer.AsSpan(start, count - start).IndexOf((byte)'\n');
                if (nl < 0)
                {
                    break;
                }
                tokens += Tokens(buffer.AsSpan(start, nl));
                lines++;
                start += nl + 1;
            }
            buffer.AsSpan(start, count - start).CopyTo(buffer);
            count -= start;
            if (count == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
        sw.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        return new Result(lines, bytes, tokens, sw.Elapsed.TotalSeconds, cpu.TotalSeconds);
    }

    private static long Tokens(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        long n = 0;
        while (reader.Read())
        {
            n++;
        }
        return n;
    }
}
