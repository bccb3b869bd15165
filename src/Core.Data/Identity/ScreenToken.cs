namespace Socme.Core.Data.Identity;

/// <summary>
/// A token that opens the wall screen (<c>/screen</c>) without signing in, and nothing else. Only its SHA-256 is
/// stored; the token is shown once. It sees every client, or only <see cref="ClientId"/>.
/// </summary>
public sealed class ScreenToken
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Hash { get; set; }
    /// <summary>The first characters of the token, to recognise it in a list.</summary>
    public required string Prefix { get; set; }
    /// <summary>Null: the screen shows every client.</summary>
    public Guid? ClientId { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
