namespace Socme.Core.Web;

/// <summary>
/// Security headers on every response: a Content-Security-Policy with no inline script or style (the console's
/// scripts and styles are files under <c>/js</c>, <c>/css</c> and <c>/lib</c>), no framing, no MIME sniffing, and
/// HSTS when the request came over TLS.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var h = http.Response.Headers;
            h.ContentSecurityPolicy = ContentSecurityPolicy;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "same-origin";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            if (http.Request.IsHttps)
            {
                h.StrictTransportSecurity = "max-age=31536000";
            }
            return Task.CompletedTask;
        }, context);
        return next();
    });
}
