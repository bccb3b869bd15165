using System.Text;
using Socme.Node.Spool;
using Socme.Node.Status;

namespace Socme.Node.Tests.Pipeline.Support;

/// <summary>Builds spool frames and reads a spool back, for the spool tests.</summary>
internal static class SpoolFrames
{
    public static byte[] Frame(string sourceId, long offset, string envelope, long spooledAtUnixMs = 1_700_000_000_000)
    {
        var id = Encoding.UTF8.GetBytes(sourceId);
        var env = Encoding.UTF8.GetBytes(envelope);
        var frame = new byte[SpoolFormat.FrameLength(id.Length, env.Length)];
        var at = SpoolFormat.WriteMetadata(frame, spooledAtUnixMs, new FilePosition(7, 42, offset), id);
        env.CopyTo(frame.AsSpan(at));
        SpoolFormat.Seal(frame);
        return frame;
    }

    /// <summary>Appends, commits (fsync) and publishes one group.</summary>
    public static void Write(DiskSpool spool, params byte[][] frames)
    {
        spool.BeginGroup();
        foreach (var f in frames)
        {
            spool.Append(f);
        }
        spool.Commit(frames.Length, frames.Sum(f => (long)f.Length), 1_700_000_000_000);
        spool.Publish();
    }

    public static List<(SpoolRecordInfo Info, string Envelope)> ReadAll(DiskSpool spool)
    {
        var list = new List<(SpoolRecordInfo, string)>();
        while (spool.TryRead(out var info, out var envelope))
        {
            list.Add((info, Encoding.UTF8.GetString(envelope)));
        }
        return list;
    }

    public static void AckAll(DiskSpool spool, IReadOnlyList<(SpoolRecordInfo Info, string Envelope)> records) =>
        spool.Ack(records[^1].Info.Next, records.Count, records.Sum(r => r.Info.FrameBytes));
}
