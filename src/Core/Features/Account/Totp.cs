using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Socme.Core.Features.Account;

/// <summary>
/// RFC 6238 time-based one-time passwords (HMAC-SHA1, 30 s steps, 6 digits: what authenticator apps use), with the
/// matched time step returned so the caller can refuse a code used before (RFC 6238 §5.2).
/// </summary>
public static class Totp
{
    public const int StepSeconds = 30;
    public const int Digits = 6;

    /// <summary>The time step of <paramref name="at"/>.</summary>
    public static long StepAt(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code for one time step.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
        Justification = "RFC 6238 TOTP as authenticator apps implement it is HMAC-SHA1; HMAC-SHA1 is not broken as a MAC.")]
    public static string Code(ReadOnlySpan<byte> key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(key, counter, hash);
        var offset = hash[^1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7FFF_FFFF;
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The step within ±<paramref name="window"/> steps of <paramref name="now"/> whose code is <paramref name="code"/>
    /// and which is later than <paramref name="lastUsedStep"/>; null when there is none.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> key, string? code, DateTimeOffset now, long lastUsedStep, int window = 1)
    {
        code = code?.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (code is null || code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }
        var current = StepAt(now);
        long? matched = null;
        for (var step = current - window; step <= current + window; step++)
        {
            // Every candidate is computed and compared in fixed time, whatever matched before.
            var ok = CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(Code(key, step)), System.Text.Encoding.ASCII.GetBytes(code));
            if (ok && step > lastUsedStep && matched is null)
            {
                matched = step;
            }
        }
        return matched;
    }

    /// <summary>Decodes an RFC 4648 base32 key as authenticator apps show it (case and spaces ignored).</summary>
    public static byte[] DecodeBase32(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var ch in text)
        {
            if (ch is ' ' or '=' or '-')
            {
                continue;
            }
            var value = alphabet.IndexOf(char.ToUpperInvariant(ch), StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException($"'{ch}' is not a base32 character.");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. output];
    }
}
