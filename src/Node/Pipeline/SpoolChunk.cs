using System.Buffers;
using Socme.Node.Checkpoints;
using Socme.Node.DeadLetters;
using Socme.Node.Status;

namespace Socme.Node.Pipeline;

/// <summary>
/// What a reader hands to the spool writer: framed spool records (already checksummed, ready to append), the dead
/// letters met on the way, and the file position after the last line it covers (filtered lines included).
/// </summary>
/// <remarks>The buffer is rented from <see cref="ArrayPool{T}.Shared"/>; <see cref="Release"/> returns it.</remarks>
internal sealed class SpoolChunk
{
    public SpoolChunk(SourceState source, int capacity)
    {
        Source = source;
        Buffer = capacity > 0 ? ArrayPool<byte>.Shared.Rent(capacity) : [];
    }

    public SourceState Source { get; }
    public byte[] Buffer { get; private set; }
    public int Length { get; set; }
    public int Records { get; set; }
    public long FirstSpooledAtUnixMs { get; set; }
    public List<DeadLetter>? DeadLetters { get; set; }

    /// <summary>Every line of the source before this is in this chunk or an earlier one (or filtered out).</summary>
    public FilePosition? Position { get; set; }
    public FileHead Head { get; set; }
    public string? File { get; set; }

    public bool IsEmpty => Records == 0 && DeadLetters is null;

    public Span<byte> Reserve(int bytes)
    {
        if (Length + bytes > Buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Buffer.Length * 2, Length + bytes));
            Buffer.AsSpan(0, Length).CopyTo(bigger);
            if (Buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
            }
            Buffer = bigger;
        }
        return Buffer.AsSpan(Length, bytes);
    }

    public void Release()
    {
        if (Buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
        Buffer = [];
        Length = 0;
    }
}
