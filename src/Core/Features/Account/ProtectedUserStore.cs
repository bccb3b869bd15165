using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Socme.Core.Data;
using Socme.Core.Data.Identity;

namespace Socme.Core.Features.Account;

/// <summary>
/// Identity's user store with every user token (the TOTP authenticator key, the recovery codes, the last used TOTP
/// step) encrypted with ASP.NET Data Protection before it reaches the <c>user_tokens</c> table. The keys live in
/// the database (<c>DbXmlRepository</c>), so every core replica reads them.
/// </summary>
internal sealed class ProtectedUserStore(SocmeDbContext context, IDataProtectionProvider protection, ILogger<ProtectedUserStore> log, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<User, SocmeDbContext, Guid>(context, describer)
{
    private readonly IDataProtector _protector = protection.CreateProtector("socme.identity.user-tokens.v1");

    public override Task SetTokenAsync(User user, string loginProvider, string name, string? value, CancellationToken cancellationToken)
        => base.SetTokenAsync(user, loginProvider, name, value is null ? null : _protector.Protect(value), cancellationToken);

    public override async Task<string?> GetTokenAsync(User user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        var stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        try
        {
            return _protector.Unprotect(stored);
        }
        catch (CryptographicException e)
        {
            // A value written without protection or under a lost key: treated as absent (2FA must be set up again).
            log.LogWarning(e, "User token {Provider}/{Name} of user {UserId} cannot be decrypted; ignored", loginProvider, name, user.Id);
            return null;
        }
    }
}
