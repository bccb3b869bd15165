using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Playwright;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests.Console;

/// <summary>
/// A real core on Kestrel (its own database) and a real headless Chromium (Debian's <c>chromium</c>, or
/// <c>SOCME_CHROMIUM</c>) driven by Playwright. Each test opens its own browser context (cookies apart) with
/// <see cref="NewPageAsync"/>; every console error of a page (a CSP violation, a script error) is kept and
/// <see cref="AssertNoBrowserErrors"/> fails on it.
/// </summary>
public class ConsoleFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private readonly ConcurrentQueue<string> _errors = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public KestrelCoreFactory Core { get; } = new();
    public Uri BaseUrl { get; private set; } = null!;
    public SocmeClient Admin { get; private set; } = null!;

    public static string ChromiumPath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("SOCME_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";
            return File.Exists(path) ? path : throw new InvalidOperationException(
                $"No Chromium at {path}: install Debian's chromium package (./test.sh does as root) or set SOCME_CHROMIUM.");
        }
    }

    /// <summary>The core's clock: TOTP codes are computed for it, and a test moves it to the next 30 s step.</summary>
    public ManualTimeProvider Time => Core.Time!;

    public async Task InitializeAsync()
    {
        Core.WithManualTime(TimeProvider.System.GetUtcNow());
        Configure(Core);
        await Core.InitializeAsync();
        BaseUrl = Core.CreateClient().BaseAddress!;
        Admin = await Core.AdminAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>Settings of the core under test, before it starts (a subclass's say).</summary>
    protected virtual void Configure(KestrelCoreFactory core)
    {
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        await ((IAsyncLifetime)Core).DisposeAsync();
    }

    /// <summary>A page in a fresh browser context (no cookies), English unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-GB", ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            Locale = locale,
            ColorScheme = colorScheme,
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        page.Console += (_, msg) =>
        {
            if (msg.Type == "error")
            {
                _errors.Enqueue($"{page.Url}: {msg.Text} (at {msg.Location})");
            }
        };
        page.PageError += (_, error) => _errors.Enqueue($"{page.Url}: {error}");
        return page;
    }

    /// <summary>Fails when any page showed a console error (CSP violation, script error) since the last call.</summary>
    public void AssertNoBrowserErrors()
    {
        var errors = new List<string>();
        while (_errors.TryDequeue(out var e))
        {
            // A deliberately refused request (403/404 in a test) logs "Failed to load resource"; that is not a page defect.
            if (!e.Contains("Failed to load resource", StringComparison.Ordinal))
            {
                errors.Add(e);
            }
        }
        Assert.True(errors.Count == 0, "Browser errors:\n" + string.Join("\n", errors));
    }

    /// <summary>Creates a user of <paramref name="role"/> through the API and returns their email and password.</summary>
    public async Task<(string Email, string Password, UserDto User)> UserAsync(string role, Guid? clientId = null, bool allClients = false, IReadOnlyList<Guid>? scope = null)
    {
        var email = $"{role}-{Guid.NewGuid():N}"[..20] + "@test.local";
        var created = await Admin.CreateUserAsync(new CreateUserRequest(email, role, ClientId: clientId, AllClients: allClients, ClientScope: scope));
        return (email, created.Password!, created.User);
    }

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("Email").Or(page.GetByLabel("E-mail")).FillAsync(email);
        await page.Locator("input[name=Password]").FillAsync(password);
        await page.GetByTestId("sign-in-submit").ClickAsync();
    }
}

/// <summary>RFC 6238 codes computed independently of the core's <c>Totp</c>, as an authenticator app would.</summary>
public static class TestAuthenticator
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "RFC 6238 is HMAC-SHA1.")]
    public static string Code(string base32Key, DateTimeOffset at)
    {
        var key = FromBase32(base32Key);
        var counter = BitConverter.GetBytes(at.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }
        var hash = HMACSHA1.HashData(key, counter);
        var o = hash[^1] & 0xF;
        var value = ((hash[o] & 0x7F) << 24) | (hash[o + 1] << 16) | (hash[o + 2] << 8) | hash[o + 3];
        return (value % 1_000_000).ToString("000000", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] FromBase32(string s)
    {
        const string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(s.Where(char.IsLetterOrDigit).Select(c => Convert.ToString(a.IndexOf(char.ToUpperInvariant(c)), 2).PadLeft(5, '0')));
        return Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
    }
}
