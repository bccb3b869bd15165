using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>Users, roles and scopes; personal API tokens shown once, stored hashed, revocable; login lockout.</summary>
public sealed class UsersAndTokensTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    [Fact]
    public async Task CreatedUser_GetsAGeneratedPasswordOnce_AndCanSignIn()
    {
        var admin = await core.AdminAsync();

        var created = await admin.CreateUserAsync(new CreateUserRequest($"ana-{Guid.NewGuid():N}@soc.example", "analyst", "Ana", AllClients: true));
        var token = await core.Anonymous().LoginAsync(new LoginRequest(created.User.Email, created.Password!, "laptop"));
        var me = await core.As(token.Token).MeAsync();

        Assert.True(created.Password!.Length >= 20);
        Assert.Equal((created.User.Id, "analyst", true), (me.Id, me.Role, me.AllClients));
        Assert.DoesNotContain(created.Password, (await admin.GetUserAsync(created.User.Id)).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlaceholderOrShortPasswords_AreRefused()
    {
        var admin = await core.AdminAsync();

        foreach (var pw in new[] { "changeme", "password123", "short", "admin12345678" })
        {
            await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreateUserAsync(new CreateUserRequest($"u{Guid.NewGuid():N}@x.test", "admin", Password: pw)), "validation_failed");
        }
    }

    [Fact]
    public async Task Token_IsRevocable_AndRevokedTokenGets401()
    {
        var admin = await core.AdminAsync();
        var created = await admin.CreateTokenAsync(new CreateApiTokenRequest("ci"));
        var second = core.As(created.Token);
        Assert.NotNull(await second.MeAsync());

        await admin.RevokeTokenAsync(created.Info.Id);

        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => second.MeAsync(), "unauthorized");
        var listed = Assert.Single(await admin.ListTokensAsync(), t => t.Id == created.Info.Id);
        Assert.NotNull(listed.RevokedAt);
        Assert.StartsWith(listed.Prefix, created.Token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledUser_Gets401_AndLastAdminCannotBeRemoved()
    {
        var admin = await core.AdminAsync();
        var (analyst, analystUser) = await core.UserAsync(admin, "analyst", allClients: true);

        await admin.UpdateUserAsync(analystUser.Id, new UpdateUserRequest(Disabled: true));

        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => analyst.MeAsync());
        var me = await admin.MeAsync();
        await ApiAssert.FailsAsync(HttpStatusCode.Conflict, () => admin.UpdateUserAsync(me.Id, new UpdateUserRequest(Role: "analyst", AllClients: true)), "cannot_demote_self");
    }

    [Fact]
    public async Task WrongPasswords_LockTheAccount_AndAreAudited()
    {
        var admin = await core.AdminAsync();
        var created = await admin.CreateUserAsync(new CreateUserRequest($"lock-{Guid.NewGuid():N}@soc.example", "analyst", AllClients: true));
        var anonymous = core.Anonymous();

        for (var i = 0; i < 5; i++)
        {
            await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => anonymous.LoginAsync(new LoginRequest(created.User.Email, "wrong-password-" + i)), "invalid_credentials");
        }

        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => anonymous.LoginAsync(new LoginRequest(created.User.Email, created.Password!)), "locked_out");
        var failures = (await admin.ListAuditAsync(action: "auth.login", limit: 1000)).Items.Where(a => a.Target == created.User.Email && !a.Success).ToList();
        Assert.Equal(6, failures.Count);
    }

    [Fact]
    public async Task ScopedAnalyst_NeedsExistingClients_AndClientUserNeedsAClient()
    {
        var admin = await core.AdminAsync();

        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreateUserAsync(new CreateUserRequest($"a{Guid.NewGuid():N}@x.test", "analyst")), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreateUserAsync(new CreateUserRequest($"a{Guid.NewGuid():N}@x.test", "analyst", ClientScope: [Guid.NewGuid()])), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreateUserAsync(new CreateUserRequest($"c{Guid.NewGuid():N}@x.test", "client")), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreateUserAsync(new CreateUserRequest($"c{Guid.NewGuid():N}@x.test", "root")), "validation_failed");
    }
}
