using System.Security.Cryptography;
using System.Text;

namespace Socme.Core.Infrastructure;

/// <summary>Random secrets, their hashes, and the refusal of well-known placeholder values.</summary>
public static class Secrets
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private static readonly string[] Placeholders =
    [
        "changeme", "change-me", "change_me", "changeit", "password", "secret", "admin", "administrator",
        "postgres", "root", "toor", "default", "letmein", "123456", "12345678", "123456789", "1234567890",
        "qwerty", "socme", "wazuh", "wazuh-wui", "example", "placeholder", "xxxxxx", "todo", "fixme",
    ];

    /// <summary>A URL-safe token: <paramref name="prefix"/> + 256 random bits.</summary>
    public static string NewToken(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A human-typable code of <paramref name="length"/> characters (no look-alike characters).</summary>
    public static string NewCode(int length) => RandomNumberGenerator.GetString(Alphabet, length);

    /// <summary>A generated password: 24 characters from a 57-letter alphabet (~140 bits).</summary>
    public static string NewPassword() => RandomNumberGenerator.GetString(Alphabet, 24);

    /// <summary>Lowercase hex SHA-256: enough for high-entropy random secrets looked up by index.</summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>True for a well-known placeholder or default credential (case-insensitive, ignoring digits appended to one).</summary>
    public static bool IsPlaceholder(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }
        var v = value.Trim().ToLowerInvariant();
        var stripped = v.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '!');
        foreach (var p in Placeholders)
        {
            if (v == p || stripped == p)
            {
                return true;
            }
        }
        return v.Contains("changeme", StringComparison.Ordinal) || v.Contains("change_me", StringComparison.Ordinal)
            || v.StartsWith('<') && v.EndsWith('>');
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
