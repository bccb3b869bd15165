using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests.Console;

/// <summary>The administration pages in a real browser: users, 2FA reset, tokens, screens, audit; admins only.</summary>
public sealed class AdminPagesTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task An_admin_creates_a_user_in_the_page_and_that_user_signs_in()
    {
        var admin = await AdminPageAsync();
        await admin.GotoAsync("/admin/users");
        var email = $"new-{Guid.NewGuid():N}"[..16] + "@test.local";
        var form = admin.GetByTestId("user-create-form");
        await form.GetByTestId("new-user-email").FillAsync(email);
        await form.GetByTestId("user-role").SelectOptionAsync("analyst");
        await form.GetByTestId("user-reach").SelectOptionAsync("all");
        await form.GetByTestId("user-create").ClickAsync();
        var password = await admin.GetByTestId("new-password").InnerTextAsync();
        Assert.True(password.Length >= 12);
        var row = admin.Locator($"[data-testid=user-row][data-email='{email}']");
        await Assertions.Expect(row).ToContainTextAsync("analyst");
        await Assertions.Expect(row.GetByTestId("user-2fa")).ToHaveTextAsync("Off");

        // Shown once: a reload does not show it again.
        await admin.GotoAsync("/admin/users");
        await Assertions.Expect(admin.GetByTestId("new-password")).ToHaveCountAsync(0);

        var user = await fx.NewPageAsync();
        await AdminPagesTests.SignInToProfileAsync(user, email, password);
        Assert.Contains((await fx.Admin.ListAuditAsync(action: "user.create")).Items, e => e.Target == email);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_client_user_is_created_for_one_client_and_can_be_disabled()
    {
        var client = await CoreFactory.ClientAsync(fx.Admin, "Portal " + Guid.NewGuid().ToString("N")[..6]);
        var admin = await AdminPageAsync();
        await admin.GotoAsync("/admin/users");
        var email = $"cli-{Guid.NewGuid():N}"[..16] + "@test.local";
        var form = admin.GetByTestId("user-create-form");
        await form.GetByTestId("new-user-email").FillAsync(email);
        await form.GetByTestId("user-role").SelectOptionAsync("client");
        await form.GetByTestId("user-client").SelectOptionAsync(client.Id.ToString());
        await form.GetByTestId("user-create").ClickAsync();
        var password = await admin.GetByTestId("new-password").InnerTextAsync();
        var created = Assert.Single(await fx.Admin.ListUsersAsync(), u => u.Email == email);
        Assert.Equal(("client", client.Id), (created.Role, created.ClientId));

        var user = await fx.NewPageAsync();
        await AdminPagesTests.SignInToProfileAsync(user, email, password);

        await admin.Locator($"[data-testid=user-row][data-email='{email}']").GetByTestId("user-disable").ClickAsync();
        await Assertions.Expect(admin.Locator($"[data-testid=user-row][data-email='{email}']").GetByTestId("user-state")).ToHaveTextAsync("Disabled");
        await user.GotoAsync("/alerts");
        await Assertions.Expect(user).ToHaveURLAsync(new Regex("/account/sign-in"));
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Resetting_a_users_2fa_ends_their_session()
    {
        var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
        var user = await fx.NewPageAsync();
        await AdminPagesTests.SignInToProfileAsync(user, email, password);
        await user.GotoAsync("/account/two-factor");
        var key = (await user.GetByTestId("totp-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        await user.GetByTestId("totp-code").FillAsync(TestAuthenticator.Code(key, fx.Time.GetUtcNow()));
        await user.GetByTestId("enable-2fa").ClickAsync();
        await Assertions.Expect(user.GetByTestId("recovery-codes")).ToBeVisibleAsync();
        await user.GotoAsync("/account/profile");
        await Assertions.Expect(user).ToHaveURLAsync(new Regex("/account/profile"));

        var admin = await AdminPageAsync();
        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await admin.GotoAsync("/admin/users");
        var row = admin.Locator($"[data-testid=user-row][data-email='{email}']");
        await Assertions.Expect(row.GetByTestId("user-2fa")).ToHaveTextAsync("On");
        await row.GetByTestId("user-reset-2fa").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("admin-message")).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator($"[data-testid=user-row][data-email='{email}']").GetByTestId("user-2fa")).ToHaveTextAsync("Off");

        // The user's session is over; the password alone signs in again (no second step), and 2FA is to be set up anew.
        await user.GotoAsync("/account/profile");
        await Assertions.Expect(user).ToHaveURLAsync(new Regex("/account/sign-in"));
        await AdminPagesTests.SignInToProfileAsync(user, email, password);
        await user.GotoAsync("/account/two-factor");
        var newKey = (await user.GetByTestId("totp-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        Assert.NotEqual(key, newKey);
        Assert.Contains((await fx.Admin.ListAuditAsync(action: "user.2fa_reset")).Items, e => e.Target == email && e.Success);
        fx.AssertNoBrowserErrors();
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("client")]
    public async Task Analysts_and_client_users_get_the_access_denied_page(string role)
    {
        var client = await CoreFactory.ClientAsync(fx.Admin);
        var (email, password, _) = role == "client" ? await fx.UserAsync(role, clientId: client.Id) : await fx.UserAsync(role, allClients: true);
        var page = await fx.NewPageAsync();
        await AdminPagesTests.SignInToProfileAsync(page, email, password);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Administration" })).ToHaveCountAsync(0);
        foreach (var path in new[] { "/admin/users", "/admin/tokens", "/admin/screens", "/admin/audit" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/denied"));
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        }
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_audit_page_filters_by_action_and_pages_back()
    {
        for (var i = 0; i < 3; i++)
        {
            await fx.UserAsync("analyst", allClients: true);
        }
        var admin = await AdminPageAsync();
        await admin.GotoAsync("/admin/audit");
        await Assertions.Expect(admin.GetByTestId("audit-row").First).ToBeVisibleAsync();
        await admin.GetByTestId("audit-action").FillAsync("user.create");
        await admin.GetByTestId("audit-filter").ClickAsync();
        await Assertions.Expect(admin).ToHaveURLAsync(new Regex("action=user.create"));
        var actions = await admin.GetByTestId("audit-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.action)");
        Assert.True(actions.Length >= 3, $"{actions.Length} rows");
        Assert.All(actions, a => Assert.Equal("user.create", a));

        await admin.GotoAsync("/admin/audit?action=auth.*&success=true");
        var logins = await admin.GetByTestId("audit-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.action)");
        Assert.NotEmpty(logins);
        Assert.All(logins, a => Assert.StartsWith("auth.", a, StringComparison.Ordinal));
        await admin.GotoAsync("/admin/audit?action=no.such.action");
        await Assertions.Expect(admin.GetByTestId("audit-row")).ToHaveCountAsync(0);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task An_admin_revokes_another_users_api_token()
    {
        var (client, user) = await fx.Core.UserAsync(fx.Admin, "analyst", allClients: true);
        var token = await client.CreateTokenAsync(new CreateApiTokenRequest("to-revoke", 30));
        var holder = fx.Core.As(token.Token);
        await holder.MeAsync();

        var admin = await AdminPageAsync();
        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await admin.GotoAsync("/admin/tokens");
        var row = admin.Locator($"[data-testid=token-row][data-prefix='{token.Info.Prefix}']");
        await Assertions.Expect(row).ToContainTextAsync(user.Email);
        await row.GetByTestId("token-revoke").ClickAsync();
        await Assertions.Expect(admin.Locator($"[data-testid=token-row][data-prefix='{token.Info.Prefix}']")).ToHaveClassAsync(new Regex("revoked"));
        await ApiAssert.FailsAsync(System.Net.HttpStatusCode.Unauthorized, () => holder.MeAsync());
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task An_admin_creates_a_screen_link_that_opens_the_screen()
    {
        var client = await CoreFactory.ClientAsync(fx.Admin, "Screened " + Guid.NewGuid().ToString("N")[..6]);
        var admin = await AdminPageAsync();
        await admin.GotoAsync("/admin/screens");
        await admin.GetByTestId("screen-name").FillAsync("Lobby TV");
        await admin.GetByTestId("screen-client").SelectOptionAsync(client.Id.ToString());
        await admin.GetByTestId("screen-create").ClickAsync();
        var url = await admin.GetByTestId("screen-url").InnerTextAsync();
        Assert.Contains("/screen?token=socme_screen_", url, StringComparison.Ordinal);
        await Assertions.Expect(admin.Locator("[data-testid=screen-token-row][data-name='Lobby TV']")).ToContainTextAsync(client.Name);

        var tv = await fx.NewPageAsync(colorScheme: ColorScheme.Dark);
        await tv.GotoAsync(url);
        await Assertions.Expect(tv).ToHaveURLAsync(new Regex("/screen$"));
        await Assertions.Expect(tv.GetByTestId("screen-tile")).ToContainTextAsync(client.Name);
        fx.AssertNoBrowserErrors();
    }

    /// <summary>Signs in and lands on the profile page (a page of the account feature, whatever the start page is).</summary>
    internal static async Task SignInToProfileAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/sign-in?returnUrl=%2Faccount%2Fprofile");
        await page.Locator("input[name=Email]").FillAsync(email);
        await page.Locator("input[name=Password]").FillAsync(password);
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/profile$"));
    }

    private async Task<IPage> AdminPageAsync()
    {
        var (email, password, _) = await fx.UserAsync("admin");
        var page = await fx.NewPageAsync();
        await AdminPagesTests.SignInToProfileAsync(page, email, password);
        return page;
    }
}
