using System.Buffers.Binary;
using System.Globalization;
using Socme.Node.Status;

namespace Socme.Node.Spool;

/// <summary>What <see cref="SpoolFormat.TryParse"/> found at a position of a segment.</summary>
internal enum FrameStatus
{
    Ok,
    /// <summary>The data ends inside the frame (a torn tail, or more must be read).</summary>
    NeedMore,
    /// <summary>The bytes are not a valid frame (bad length, checksum or content).</summary>
    Corrupt,
}

/// <summary>One decoded spool record; its spans point into the buffer it was parsed from.</summary>
internal readonly ref struct SpoolRecordView
{
    public long SpooledAtUnixMs { get; init; }
    public FilePosition Position { get; init; }
    public ReadOnlySpan<byte> SourceId { get; init; }
    public ReadOnlySpan<byte> Envelope { get; init; }
}

/// <summary>
/// The spool's on-disk format. A segment file <c>NNNNNNNNNNNNNNNNNNNN.seg</c> starts with a 16-byte header (the
/// magic <c>SOCMESP1</c>, then the segment number as a little-endian u64) followed by frames:
/// <c>u32 payload length | u32 CRC-32C of the payload | payload</c>; the payload is
/// <c>u8 kind (1 = alert) | i64 spooled-at (Unix ms) | u64 device | u64 inode | i64 offset after the line |
/// u16 source-id length | source id (UTF-8) | the NDJSON envelope (no newline)</c>. All integers little-endian.
/// </summary>
internal static class SpoolFormat
{
    public const int SegmentHeaderBytes = 16;
    public const int FrameHeaderBytes = 8;
    public const int PayloadFixedBytes = 1 + 8 + 8 + 8 + 8 + 2;
    public const byte AlertKind = 1;

    /// <summary>Sanity bound on a frame's length field: above the largest line (64 MiB) plus envelope and id.</summary>
    public const int MaxPayloadBytes = 80 * 1024 * 1024;

    public const string SegmentExtension = ".seg";

    public static ReadOnlySpan<byte> Magic => "SOCMESP1"u8;

    public static string SegmentFileName(long segment) => segment.ToString("D20", CultureInfo.InvariantCulture) + SegmentExtension;

    public static bool TryParseSegmentFileName(string fileName, out long segment)
    {
        segment = 0;
        return fileName.Length == 20 + SegmentExtension.Length
            && fileName.EndsWith(SegmentExtension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out segment);
    }

    public static void WriteSegmentHeader(Span<byte> destination, long segment)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], segment);
    }

    public static bool IsSegmentHeader(ReadOnlySpan<byte> header, long segment) =>
        header.Length >= SegmentHeaderBytes && header[..8].SequenceEqual(Magic)
        && BinaryPrimitives.ReadInt64LittleEndian(header[8..]) == segment;

    public static int FrameLength(int sourceIdBytes, int envelopeBytes) =>
        FrameHeaderBytes + PayloadFixedBytes + sourceIdBytes + envelopeBytes;

    /// <summary>Writes everything but the envelope and the frame header; returns where the envelope starts.</summary>
    public static int WriteMetadata(Span<byte> frame, long spooledAtUnixMs, in FilePosition position, ReadOnlySpan<byte> sourceId)
    {
        var p = frame[FrameHeaderBytes..];
        p[0] = AlertKind;
        BinaryPrimitives.WriteInt64LittleEndian(p[1..], spooledAtUnixMs);
        BinaryPrimitives.WriteUInt64LittleEndian(p[9..], position.Device);
        BinaryPrimitives.WriteUInt64LittleEndian(p[17..], position.Inode);
        BinaryPrimitives.WriteInt64LittleEndian(p[25..], position.Offset);
        BinaryPrimitives.WriteUInt16LittleEndian(p[33..], checked((ushort)sourceId.Length));
        sourceId.CopyTo(p[PayloadFixedBytes..]);
        return FrameHeaderBytes + PayloadFixedBytes + sourceId.Length;
    }

    /// <summary>Fills the frame header (length and checksum) of a frame whose payload is written.</summary>
    public static void Seal(Span<byte> frame)
    {
        var payload = frame[FrameHeaderBytes..];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Crc32C.Compute(payload));
    }

    /// <summary>The frame length announced by a frame header, or -1 when it cannot be a frame.</summary>
    public static int AnnouncedFrameLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        return length is < PayloadFixedBytes or > MaxPayloadBytes ? -1 : length + FrameHeaderBytes;
    }

    /// <summary>Parses the frame at the start of <paramref name="data"/>.</summary>
    public static FrameStatus TryParse(ReadOnlySpan<byte> data, out int frameLength, out SpoolRecordView record)
    {
        record = default;
        frameLength = 0;
        if (data.Length < FrameHeaderBytes)
        {
            return FrameStatus.NeedMore;
        }
        frameLength = AnnouncedFrameLength(data);
        if (frameLength < 0)
        {
            return FrameStatus.Corrupt;
        }
        if (data.Length < frameLength)
        {
            return FrameStatus.NeedMore;
        }
        var payload = data[FrameHeaderBytes..frameLength];
        if (BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) != Crc32C.Compute(payload) || payload[0] != AlertKind)
        {
            return FrameStatus.Corrupt;
        }
        int idLength = BinaryPrimitives.ReadUInt16LittleEndian(payload[33..]);
        if (PayloadFixedBytes + idLength > payload.Length)
        {
            return FrameStatus.Corrupt;
        }
        record = new SpoolRecordView
        {
            SpooledAtUnixMs = BinaryPrimitives.ReadInt64LittleEndian(payload[1..]),
            Position = new FilePosition(
                BinaryPrimitives.ReadUInt64LittleEndian(payload[9..]),
                BinaryPrimitives.ReadUInt64LittleEndian(payload[17..]),
                BinaryPrimitives.ReadInt64LittleEndian(payload[25..])),
            SourceId = payload.Slice(PayloadFixedBytes, idLength),
            Envelope = payload[(PayloadFixedBytes + idLength)..],
        };
        return FrameStatus.Ok;
    }
}
