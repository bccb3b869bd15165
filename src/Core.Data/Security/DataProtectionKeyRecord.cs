namespace Socme.Core.Data.Security;

/// <summary>An ASP.NET Data Protection key (XML), stored in the database so that every core replica shares it.</summary>
public sealed class DataProtectionKeyRecord
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public required string Xml { get; set; }
}
