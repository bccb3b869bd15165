using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary><c>/api/v1/screen-tokens</c>: admin only, the token shown once, and a screen token opens nothing but the screen.</summary>
public sealed class ScreenTokenTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    [Fact]
    public async Task Admin_creates_lists_and_revokes_and_the_token_is_shown_once()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);

        var created = await admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("Wall TV", client.Id));
        var all = await admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("Lobby"));

        Assert.StartsWith("socme_screen_", created.Token, StringComparison.Ordinal);
        Assert.True(created.Token.Length > 40);
        Assert.Equal("/screen?token=" + Uri.EscapeDataString(created.Token), created.ScreenPath);
        Assert.StartsWith(created.Info.Prefix, created.Token, StringComparison.Ordinal);
        Assert.Equal(client.Id, created.Info.ClientId);
        Assert.Null(all.Info.ClientId);
        var list = await admin.ListScreenTokensAsync();
        var listed = Assert.Single(list, t => t.Id == created.Info.Id);
        Assert.Null(listed.RevokedAt);
        Assert.DoesNotContain(created.Token, System.Text.Json.JsonSerializer.Serialize(list), StringComparison.Ordinal);

        await admin.RevokeScreenTokenAsync(created.Info.Id);
        Assert.NotNull(Assert.Single(await admin.ListScreenTokensAsync(), t => t.Id == created.Info.Id).RevokedAt);
        var audit = await admin.ListAuditAsync(action: "screen_token.*");
        Assert.Contains(audit.Items, e => e.Action == "screen_token.create" && e.Target == created.Info.Prefix);
        Assert.Contains(audit.Items, e => e.Action == "screen_token.revoke" && e.Target == created.Info.Prefix);
    }

    [Fact]
    public async Task Only_admins_manage_screen_tokens_and_bad_input_is_refused()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (analyst, _) = await core.UserAsync(admin, "analyst", allClients: true);
        var (clientUser, _) = await core.UserAsync(admin, "client", clientId: client.Id);

        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => analyst.CreateScreenTokenAsync(new CreateScreenTokenRequest("x")));
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => clientUser.ListScreenTokensAsync());
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => core.Anonymous().ListScreenTokensAsync());
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreateScreenTokenAsync(new CreateScreenTokenRequest(" ")));
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("x", Guid.NewGuid())));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => admin.RevokeScreenTokenAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_screen_token_is_refused_by_the_api_as_a_bearer_token()
    {
        var admin = await core.AdminAsync();
        var created = await admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("All"));
        var screen = core.As(created.Token);

        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => screen.ListAlertsAsync());
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => screen.GetOverviewAsync());
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => screen.ListClientsAsync());
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => screen.ListScreenTokensAsync());
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => screen.MeAsync());
    }

    [Fact]
    public async Task The_token_opens_the_screen_once_swapped_for_a_cookie_and_not_after_revocation()
    {
        var admin = await core.AdminAsync();
        var created = await admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("Wall"));
        using var browser = NewBrowser();

        var open = await browser.GetAsync(created.ScreenPath);
        Assert.Equal(HttpStatusCode.Redirect, open.StatusCode);
        Assert.Equal("/screen", open.Headers.Location?.OriginalString);
        var cookie = Assert.Single(open.Headers.GetValues("Set-Cookie"), c => c.StartsWith("socme_screen=", StringComparison.Ordinal));
        Assert.Contains("path=/screen", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(created.Token, cookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/screen")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/screen?handler=Tiles")).StatusCode);

        await admin.RevokeScreenTokenAsync(created.Info.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/screen")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/screen?handler=Tiles")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/screen/events")).StatusCode);
        using var fresh = NewBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.GetAsync(created.ScreenPath)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.GetAsync("/screen?token=socme_screen_not-a-real-token-at-all-000")).StatusCode);
    }

    private HttpClient NewBrowser() => core.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
    });
}
