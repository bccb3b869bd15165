using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests.Console;

/// <summary>The wall screen in a real browser: live within 2 s, one client's token sees one client, nothing else opens.</summary>
public sealed class ScreenTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task The_screen_shows_an_ingested_alert_within_two_seconds()
    {
        var client = await CoreFactory.ClientAsync(fx.Admin, "Live " + Guid.NewGuid().ToString("N")[..6]);
        var (node, _) = await fx.Core.NodeAsync(fx.Admin, client.Id);
        var token = await fx.Admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("Wall", client.Id));
        var page = await OpenScreenAsync(token);
        await Assertions.Expect(page.GetByTestId("screen-tile")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("tile-high")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("ticker-item")).ToHaveCountAsync(0);

        var title = "Rootkit on the wall " + Guid.NewGuid().ToString("N")[..8];
        await node.IngestAsync([InboxData.Wazuh(fx.Time.GetUtcNow().AddSeconds(-5), 13, "510", title)]);

        var item = page.GetByTestId("ticker-item").Filter(new() { HasText = title });
        await Assertions.Expect(item).ToBeVisibleAsync(new() { Timeout = 2000 });
        await Assertions.Expect(page.GetByTestId("tile-high")).ToHaveTextAsync("1");
        await Assertions.Expect(item).ToContainTextAsync(client.Name);
        // No links into alert details from the wall.
        await Assertions.Expect(page.Locator("a")).ToHaveCountAsync(0);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_screen_of_client_B_never_shows_client_A()
    {
        var a = await CoreFactory.ClientAsync(fx.Admin, "Alpha " + Guid.NewGuid().ToString("N")[..6]);
        var b = await CoreFactory.ClientAsync(fx.Admin, "Bravo " + Guid.NewGuid().ToString("N")[..6]);
        var (nodeA, _) = await fx.Core.NodeAsync(fx.Admin, a.Id);
        var (nodeB, _) = await fx.Core.NodeAsync(fx.Admin, b.Id);
        var now = fx.Time.GetUtcNow();
        await nodeA.IngestAsync([InboxData.Wazuh(now.AddMinutes(-3), 15, "601", "Secret of Alpha 1")]);
        await nodeB.IngestAsync([InboxData.Wazuh(now.AddMinutes(-2), 13, "602", "Bravo before")]);
        var token = await fx.Admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("Bravo wall", b.Id));

        var page = await OpenScreenAsync(token);
        await Assertions.Expect(page.GetByTestId("screen-tile")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("screen-tile")).ToContainTextAsync(b.Name);
        await Assertions.Expect(page.GetByTestId("ticker-item")).ToHaveCountAsync(1);

        // Live: A's alert arrives first, then B's; only B's shows.
        await nodeA.IngestAsync([InboxData.Wazuh(fx.Time.GetUtcNow(), 15, "603", "Secret of Alpha 2")]);
        await nodeB.IngestAsync([InboxData.Wazuh(fx.Time.GetUtcNow(), 13, "604", "Bravo after")]);
        await Assertions.Expect(page.GetByTestId("ticker-item").Filter(new() { HasText = "Bravo after" })).ToBeVisibleAsync();
        var body = await page.GetByTestId("screen-body").InnerTextAsync();
        Assert.DoesNotContain(a.Name, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret of Alpha", body, StringComparison.Ordinal);
        var fragment = await page.APIRequest.GetAsync("/screen?handler=Tiles");
        Assert.Equal(200, fragment.Status);
        var html = await fragment.TextAsync();
        Assert.DoesNotContain(a.Name, html, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret of Alpha", html, StringComparison.Ordinal);
        Assert.Contains(b.Name, html, StringComparison.Ordinal);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_event_stream_of_client_B_carries_only_B()
    {
        var a = await CoreFactory.ClientAsync(fx.Admin);
        var b = await CoreFactory.ClientAsync(fx.Admin);
        var (nodeA, _) = await fx.Core.NodeAsync(fx.Admin, a.Id);
        var (nodeB, _) = await fx.Core.NodeAsync(fx.Admin, b.Id);
        var token = await fx.Admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("Bravo stream", b.Id));
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = fx.BaseUrl };
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync(token.ScreenPath)).StatusCode);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await http.GetAsync("/screen/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal("retry: 3000", await reader.ReadLineAsync(cts.Token));
        await nodeA.IngestAsync([InboxData.Wazuh(fx.Time.GetUtcNow(), 15, "701", "A only")]);
        await nodeB.IngestAsync([InboxData.Wazuh(fx.Time.GetUtcNow(), 13, "702", "B only")]);
        var bAlert = Assert.Single(await InboxData.AllAsync(fx.Admin, new AlertFilter { ClientId = b.Id }));

        string? data = null;
        while (data is null && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }
        Assert.NotNull(data);
        using var json = JsonDocument.Parse(data);
        Assert.Equal(1, json.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(bAlert.Id, json.RootElement.GetProperty("newestId").GetInt64());
    }

    [Fact]
    public async Task A_screen_token_opens_nothing_else_and_a_console_session_does_not_open_the_screen()
    {
        var token = await fx.Admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("All"));
        var page = await OpenScreenAsync(token);

        // The API refuses the token as a bearer token.
        foreach (var path in new[] { "/api/v1/alerts", "/api/v1/overview" })
        {
            var api = await page.APIRequest.GetAsync(path, new() { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token.Token } });
            Assert.Equal(401, api.Status);
        }
        // The console's pages: the screen cookie (even sent by hand outside its path) and the token in the query open nothing.
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "socme_screen");
        Assert.Equal("/screen", cookie.Path);
        Assert.True(cookie.HttpOnly);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fx.BaseUrl };
        foreach (var path in new[] { "/alerts", "/", "/admin/users", "/events", "/alerts?token=" + Uri.EscapeDataString(token.Token) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", $"socme_screen={cookie.Value}");
            request.Headers.Add("HX-Request", "true");
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode}");
        }
        await page.GotoAsync("/alerts");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/sign-in"));

        // A signed-in console user (an admin) without a screen token gets the locked screen, not the wall.
        var (email, password, _) = await fx.UserAsync("admin");
        var console = await fx.NewPageAsync();
        await AdminPagesTests.SignInToProfileAsync(console, email, password);
        var screen = await console.GotoAsync("/screen");
        Assert.Equal(401, screen!.Status);
        await Assertions.Expect(console.GetByTestId("screen-locked")).ToBeVisibleAsync();
        Assert.Equal(401, (await console.APIRequest.GetAsync("/screen/events")).Status);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_revoked_token_shows_the_revoked_state_and_stops_working()
    {
        var token = await fx.Admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("Soon revoked"));
        var page = await OpenScreenAsync(token);
        await Assertions.Expect(page.GetByTestId("screen-revoked")).ToBeHiddenAsync();

        await fx.Admin.RevokeScreenTokenAsync(token.Info.Id);

        await Assertions.Expect(page.GetByTestId("screen-revoked")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("screen-revoked")).ToContainTextAsync("Screen token revoked");
        var reload = await page.ReloadAsync();
        Assert.Equal(401, reload!.Status);
        await Assertions.Expect(page.GetByTestId("screen-locked")).ToBeVisibleAsync();
        var again = await fx.NewPageAsync();
        Assert.Equal(401, (await again.GotoAsync(token.ScreenPath))!.Status);
        fx.AssertNoBrowserErrors();
    }

    /// <summary>Opens the screen with its token as a TV would, at 1920×1080 in dark mode, and waits for the live feed.</summary>
    private async Task<IPage> OpenScreenAsync(CreatedScreenTokenDto token)
    {
        var page = await fx.NewPageAsync(colorScheme: ColorScheme.Dark);
        await page.SetViewportSizeAsync(1920, 1080);
        await page.GotoAsync(token.ScreenPath);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/screen$"));
        await Assertions.Expect(page.GetByTestId("screen-status")).ToHaveClassAsync(new Regex("live"));
        // No scrolling on the TV.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollHeight <= window.innerHeight"));
        return page;
    }
}
