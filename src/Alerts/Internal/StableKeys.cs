using System.Security.Cryptography;

namespace Socme.Alerts.Internal;

internal static class StableKeys
{
    private const int MaxIdPartDigits = 20;

    /// <summary><c>^\d{1,20}\.\d{1,20}$</c>, on bytes.</summary>
    public static bool IsWazuhId(ReadOnlySpan<byte> id)
    {
        var dot = id.IndexOf((byte)'.');
        return dot is >= 1 and <= MaxIdPartDigits
            && id.Length - dot - 1 is >= 1 and <= MaxIdPartDigits
            && AllDigits(id[..dot])
            && AllDigits(id[(dot + 1)..]);
    }

    /// <summary>Lowercase hex SHA-256 of the bytes.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }

    private static bool AllDigits(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if ((uint)(b - '0') > 9)
            {
                return false;
            }
        }
        return true;
    }
}
