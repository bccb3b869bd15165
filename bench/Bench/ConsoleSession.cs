using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Socme.Bench;

/// <summary>
/// A browser's view of the console: a cookie container, sign-in through the form (<c>GET /account/sign-in</c> gives the
/// antiforgery cookie <c>socme_csrf</c> and the <c>__RequestVerificationToken</c> field; <c>POST</c> with email, password
/// and the token sets the session cookie <c>socme_session</c>), then pages read as HTML. Redirects are not followed: a
/// page that answers anything but 200 (a redirect to the sign-in page, a 2FA set-up) is an error, not a fast answer.
/// </summary>
internal sealed partial class ConsoleSession : IDisposable
{
    private readonly CookieContainer cookies = new();

    private ConsoleSession(Uri baseAddress)
    {
#pragma warning disable CA2000 // the HttpClient owns the handler
        var handler = new SocketsHttpHandler
        {
            UseCookies = true,
            CookieContainer = cookies,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        };
        Http = new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
#pragma warning restore CA2000
        // What a browser asking for a page says; the console answers in English by default.
        Http.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml");
        Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
    }

    public HttpClient Http { get; }

    public void Dispose() => Http.Dispose();

    /// <summary>Signs in through the console's form, like a browser; throws unless the session cookie is set.</summary>
    public static async Task<ConsoleSession> SignInAsync(CoreProcess core, AdminLogin admin)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(admin);
        var session = new ConsoleSession(core.BaseAddress);
        try
        {
            using (var form = await session.Http.GetAsync("account/sign-in"))
            {
                var html = await form.Content.ReadAsStringAsync();
                if (form.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"GET /account/sign-in answered {(int)form.StatusCode}.");
                }
                var token = AntiforgeryField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["v"].Value)
                    : throw new InvalidOperationException("The sign-in form has no __RequestVerificationToken field.");
                if (session.Cookie("socme_csrf") is null)
                {
                    throw new InvalidOperationException("GET /account/sign-in set no socme_csrf cookie.");
                }
                using var post = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["Email"] = admin.Email,
                    ["Password"] = admin.Password,
                    ["ReturnUrl"] = "/alerts",
                    ["__RequestVerificationToken"] = token,
                });
                using var signedIn = await session.Http.PostAsync("account/sign-in", post);
                if (signedIn.StatusCode != HttpStatusCode.Redirect || session.Cookie("socme_session") is null)
                {
                    throw new InvalidOperationException($"POST /account/sign-in answered {(int)signedIn.StatusCode} (location {signedIn.Headers.Location}) and "
                        + (session.Cookie("socme_session") is null ? "set no socme_session cookie." : "set the session cookie."));
                }
            }
            var (items, _) = await GetPageAsync(session.Http, "alerts");
            Log.Info($"signed in to the console as {admin.Email}; /alerts shows {items} rows");
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A page's whole HTML read; returns its table rows (inbox: <c>data-row</c>, overview: client tiles and newest alerts)
    /// and its size in bytes. Anything but 200 with HTML is an error.
    /// </summary>
    public static async Task<(int Items, long Bytes)> GetPageAsync(HttpClient http, string path)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/html")
        {
            throw new InvalidOperationException($"GET /{path} answered {(int)response.StatusCode} {response.Content.Headers.ContentType} (location {response.Headers.Location}), not a page.");
        }
        return (Rows(body), body.LongLength);
    }

    private static int Rows(byte[] html)
    {
        var s = Encoding.UTF8.GetString(html);
        var rows = Count(s, "<tr data-row ");
        return rows > 0 ? rows : Count(s, "data-testid=\"client-tile\"") + Count(s, "<li><span class=\"band");
    }

    private static int Count(string s, string what)
    {
        var n = 0;
        for (var i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }

    private Cookie? Cookie(string name) => cookies.GetCookies(Http.BaseAddress!).FirstOrDefault(c => c.Name == name);

    [GeneratedRegex("""<input[^>]*\bname="__RequestVerificationToken"[^>]*\bvalue="(?<v>[^"]*)"|<input[^>]*\bvalue="(?<v>[^"]*)"[^>]*\bname="__RequestVerificationToken"[^>]*""")]
    private static partial Regex AntiforgeryField();
}
