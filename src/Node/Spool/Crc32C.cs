using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Socme.Node.Spool;

/// <summary>CRC-32C (Castagnoli), with the CPU's CRC instruction when it has one (<see cref="BitOperations.Crc32C(uint, ulong)"/>).</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        // Reading through a ref (no span slicing, no bounds checks per word) is ~3x faster than a span loop.
        var crc = ~0u;
        ref var start = ref MemoryMarshal.GetReference(data);
        nint length = data.Length;
        nint i = 0;
        for (; i + 8 <= length; i += 8)
        {
            var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i));
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }
        for (; i < length; i++)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.Add(ref start, i));
        }
        return ~crc;
    }
}
