using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests.Console;

/// <summary>Sign-in, two-factor, sessions, antiforgery, language and the security headers, in a real browser.</summary>
public sealed partial class AccountTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Two_factor_sign_in_from_set_up_to_recovery_code()
    {
        var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        await Assertions.Expect(page).ToHaveURLAsync(fx.BaseUrl.ToString());

        // Set up: the page shows the key (and a QR code of it); the code of the authenticator app turns 2FA on.
        await page.GotoAsync("/account/two-factor");
        await Assertions.Expect(page.Locator("img.qr")).ToBeVisibleAsync();
        var key = (await page.GetByTestId("totp-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        await page.GetByTestId("totp-code").FillAsync("000000" == TestAuthenticator.Code(key, fx.Time.GetUtcNow()) ? "111111" : "000000");
        await page.GetByTestId("enable-2fa").ClickAsync();
        await Assertions.Expect(page.GetByTestId("two-factor-error")).ToBeVisibleAsync();
        await page.GetByTestId("totp-code").FillAsync(TestAuthenticator.Code(key, fx.Time.GetUtcNow()));
        await page.GetByTestId("enable-2fa").ClickAsync();
        var codes = await page.GetByTestId("recovery-codes").Locator("code").AllInnerTextsAsync();
        Assert.Equal(10, codes.Count);

        // Sign in again: the password alone leads to the code step, not into the console.
        await page.Context.ClearCookiesAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/sign-in/code"));
        var alertsResponse = await page.APIRequest.GetAsync("/alerts", new() { MaxRedirects = 0 });
        Assert.Equal(302, alertsResponse.Status);

        // The code used to enable 2FA is refused (used once); the next step's code is accepted.
        await page.GetByTestId("totp-code").FillAsync(TestAuthenticator.Code(key, fx.Time.GetUtcNow()));
        await page.GetByTestId("sign-in-code-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-in-error")).ToBeVisibleAsync();
        fx.Time.Advance(TimeSpan.FromSeconds(30));
        await page.GetByTestId("totp-code").FillAsync(TestAuthenticator.Code(key, fx.Time.GetUtcNow()));
        await page.GetByTestId("sign-in-code-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(fx.BaseUrl.ToString());

        // A recovery code signs in once.
        await page.Context.ClearCookiesAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        await page.GetByTestId("totp-code").FillAsync(codes[0]);
        await page.GetByTestId("sign-in-code-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(fx.BaseUrl.ToString());
        await page.Context.ClearCookiesAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        await page.GetByTestId("totp-code").FillAsync(codes[0]);
        await page.GetByTestId("sign-in-code-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-in-error")).ToBeVisibleAsync();

        // The API does not hand a token for the password alone of a 2FA account.
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => fx.Core.Anonymous().LoginAsync(new LoginRequest(email, password)), "two_factor_required");
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Wrong_passwords_are_refused_audited_and_lock_the_account()
    {
        var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, "not the password at all");
        await Assertions.Expect(page.GetByTestId("sign-in-error")).ToHaveTextAsync("The email or password is wrong.");
        await Assertions.Expect(page.Locator("input[name=Password]")).ToHaveValueAsync("");
        for (var i = 0; i < 4; i++)
        {
            await ConsoleFixture.SignInAsync(page, email, "still not the password " + i);
        }
        // Five failures lock the account (shared with the API's login): even the right password is refused now.
        await ConsoleFixture.SignInAsync(page, email, password);
        await Assertions.Expect(page.GetByTestId("sign-in-error")).ToHaveTextAsync("Too many failed attempts: the account is locked for a while.");
        var audit = await fx.Admin.ListAuditAsync(action: "auth.login");
        Assert.Contains(audit.Items, e => e.Target == email && !e.Success);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        await Assertions.Expect(page).ToHaveURLAsync(fx.BaseUrl.ToString());

        // The same request the profile form makes, with the session cookie but without the token: 400, nothing created.
        var refused = await page.APIRequest.PostAsync("/account/profile?handler=Token",
            new() { Form = page.APIRequest.CreateFormData().Set("TokenName", "csrf-probe").Set("TokenDays", "30"), MaxRedirects = 0 });
        Assert.Equal(400, refused.Status);
        await page.GotoAsync("/account/profile");
        await Assertions.Expect(page.GetByText("csrf-probe")).ToHaveCountAsync(0);

        // Through the form (with its token) it works.
        await page.Locator("input[name=TokenName]").FillAsync("through-the-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("new-token")).ToContainTextAsync("socme_pat_");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "through-the-form" })).ToBeVisibleAsync();
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Switching_to_French_translates_the_console_and_is_remembered_for_the_user()
    {
        var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Inbox" })).ToBeVisibleAsync();

        await page.GetByTestId("language-switch").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Boîte de réception" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("sign-out")).ToHaveTextAsync("Se déconnecter");

        // Saved on the user: a new browser (English) gets French after signing in.
        var other = await fx.NewPageAsync(locale: "en-US");
        await ConsoleFixture.SignInAsync(other, email, password);
        await Assertions.Expect(other.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_the_other_sessions()
    {
        var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
        var first = await fx.NewPageAsync();
        var second = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(first, email, password);
        await ConsoleFixture.SignInAsync(second, email, password);
        await Assertions.Expect(second).ToHaveURLAsync(fx.BaseUrl.ToString());

        await first.GotoAsync("/account/profile");
        await first.GetByTestId("sign-out-everywhere").ClickAsync();
        await Assertions.Expect(first).ToHaveURLAsync(new Regex("/account/sign-in"));

        await second.GotoAsync("/account/profile");
        await Assertions.Expect(second).ToHaveURLAsync(new Regex("/account/sign-in"));
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Pages_carry_the_security_headers_and_session_cookies_are_http_only()
    {
        var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
        var page = await fx.NewPageAsync();
        var response = await page.GotoAsync("/account/sign-in");
        var headers = await response!.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("DENY", headers["x-frame-options"]);

        await ConsoleFixture.SignInAsync(page, email, password);
        await Assertions.Expect(page).ToHaveURLAsync(fx.BaseUrl.ToString());
        var cookies = await page.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "socme_session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        Assert.DoesNotContain(cookies, c => c.Value.Contains(email, StringComparison.OrdinalIgnoreCase));
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task An_open_redirect_through_the_return_url_is_not_followed()
    {
        var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/account/sign-in?returnUrl=%2F%2Fevil.example%2F");
        await page.Locator("input[name=Email]").FillAsync(email);
        await page.Locator("input[name=Password]").FillAsync(password);
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(fx.BaseUrl.ToString());
    }
}
