using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests.Console;

/// <summary>A core that requires two-factor sign-in for analysts (<c>Console:TwoFactorRequiredRoles</c>).</summary>
public sealed class AnalystsNeedTwoFactorFixture : ConsoleFixture
{
    protected override void Configure(KestrelCoreFactory core)
    {
        ArgumentNullException.ThrowIfNull(core);
        core.Setting("Console:TwoFactorRequiredRoles:0", "Analyst");
    }
}

/// <summary>Two-factor sign-in enforced per role: nothing but the set-up page until it is on.</summary>
public sealed class TwoFactorPolicyTests(AnalystsNeedTwoFactorFixture fx) : IClassFixture<AnalystsNeedTwoFactorFixture>
{
    [Fact]
    public async Task An_analyst_without_two_factor_is_held_at_the_set_up_page_until_it_is_on()
    {
        var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/two-factor$"));
        foreach (var url in new[] { "/alerts", "/", "/account/profile", "/nodes" })
        {
            await page.GotoAsync(url);
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/two-factor$"));
        }
        // The htmx fragment of the inbox is held too (no data through a side door).
        var fragment = await page.APIRequest.GetAsync("/alerts?view=flat",
            new() { Headers = new Dictionary<string, string> { ["HX-Request"] = "true", ["HX-Target"] = "inbox" }, MaxRedirects = 0 });
        Assert.Equal(302, fragment.Status);

        var key = (await page.GetByTestId("totp-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        await page.GetByTestId("totp-code").FillAsync(TestAuthenticator.Code(key, fx.Time.GetUtcNow()));
        await page.GetByTestId("enable-2fa").ClickAsync();
        await Assertions.Expect(page.GetByTestId("recovery-codes")).ToBeVisibleAsync();
        // Turning it off is not offered to a role that requires it.
        await page.GotoAsync("/account/two-factor");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Turn off two-factor sign-in" })).ToHaveCountAsync(0);
        await page.GotoAsync("/alerts");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/alerts$"));

        // An admin (not in the list) is not held.
        var (adminEmail, adminPassword, _) = await fx.UserAsync("admin");
        var admin = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(admin, adminEmail, adminPassword);
        await Assertions.Expect(admin).ToHaveURLAsync(fx.BaseUrl.ToString());
        fx.AssertNoBrowserErrors();
    }
}
