using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Socme.Core.Data;
using Socme.Core.Data.Security;

namespace Socme.Core.Infrastructure;

/// <summary>
/// Keeps ASP.NET Data Protection keys in the database so that every core replica shares them
/// (cookies, antiforgery tokens and encrypted secrets stay valid whichever replica answers).
/// </summary>
internal sealed class DbXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();
        return db.DataProtectionKeys.Select(k => k.Xml).ToList().Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKeyRecord { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
