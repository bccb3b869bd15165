using System.Net;
using System.Net.Sockets;
using Socme.Notify.Internal;

namespace Socme.Notify;

/// <summary>Where outbound notification traffic may go (the SSRF policy).</summary>
public sealed class OutboundPolicy
{
    /// <summary>
    /// Destinations an admin allowed although they resolve to a refused address: host names and IP literals (matched
    /// against the URL's or SMTP server's host, case-insensitively) and CIDR ranges such as <c>10.20.0.0/16</c>
    /// (matched against the address connected to). Allowing <c>127.0.0.1</c> does not allow <c>localhost</c>.
    /// </summary>
    public IReadOnlyCollection<string> AllowedHosts { get; init; } = [];

    /// <summary>Allow <c>http://</c> URLs (default: only <c>https://</c>).</summary>
    public bool AllowPlainHttp { get; init; }
}

/// <summary>
/// The SSRF guard every outbound connection of the library goes through (HTTP via <see cref="CreateHandler"/>, SMTP via
/// the same address check). Hosts may use <see cref="CreateHandler"/> for their other integrations (TheHive, ...).
/// </summary>
/// <remarks>
/// The check is made on the address actually connected to, inside <see cref="SocketsHttpHandler.ConnectCallback"/>,
/// after the library's own DNS resolution: a name that resolves to a public address at validation time and to
/// 127.0.0.1 at send time (DNS rebinding) is still refused, and so is every new connection a redirect opens.
/// Refused unless allowed: loopback, private (RFC 1918, CGNAT 100.64/10, ULA fc00::/7), link-local (169.254/16 with
/// the cloud metadata address, fe80::/10), unspecified, multicast, broadcast, documentation/benchmark/reserved ranges,
/// and IPv6 forms that embed such an IPv4 address (IPv4-mapped, NAT64, 6to4). The handler never uses a proxy.
/// </remarks>
public static class OutboundGuard
{
    /// <summary>
    /// Set to true on an <see cref="HttpRequestMessage"/> to let this request (one channel an admin marked "private
    /// network allowed") connect to loopback, private and link-local addresses — never to the cloud metadata address.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> AllowPrivateNetwork = new("Socme.Notify.AllowPrivateNetwork");

    /// <summary>
    /// A handler that refuses connections to non-public addresses not allowed by <paramref name="policy"/>, never uses a
    /// proxy, and does not follow redirects (callers that follow them go through the guard again for each hop).
    /// </summary>
    public static SocketsHttpHandler CreateHandler(OutboundPolicy policy, TimeSpan? connectTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var compiled = CompiledPolicy.From(policy);
        return new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (context, ct) =>
            {
                var allowPrivate = context.InitialRequestMessage.Options.TryGetValue(AllowPrivateNetwork, out var a) && a;
                var socket = await ConnectAsync(compiled, context.DnsEndPoint.Host, context.DnsEndPoint.Port, allowPrivate, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
    }

    /// <summary>Why an address is refused by default ("loopback", "private", ...), or null for a public address.</summary>
    public static string? RefusalReason(IPAddress address) => AddressRules.Classify(address)?.Reason;

    internal static async Task<Socket> ConnectAsync(CompiledPolicy policy, string host, int port, bool allowPrivate, CancellationToken ct)
    {
        host = host.TrimStart('[').TrimEnd(']');
        var hostAllowed = policy.AllowsHost(host);
        IPAddress[] addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct);
        var candidates = new List<IPAddress>();
        string? refusal = null;
        foreach (var address in addresses)
        {
            var rule = AddressRules.Classify(address);
            if (rule is null || hostAllowed || policy.AllowsAddress(address) || (allowPrivate && rule.PrivateNetwork))
            {
                candidates.Add(address);
            }
            else
            {
                refusal ??= IPAddress.TryParse(host, out _)
                    ? $"destination {host} refused: {rule.Reason} address (not in the notification allow-list)"
                    : $"destination {host} refused: it resolves to {address}, a {rule.Reason} address (not in the notification allow-list)";
            }
        }
        if (candidates.Count == 0)
        {
            throw new OutboundRefusedException(refusal ?? $"destination {host} refused: it resolves to no address");
        }
        Exception? last = null;
        foreach (var address in candidates)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), ct);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    /// <summary>Null when <paramref name="url"/> may be requested under <paramref name="policy"/>, else why not.</summary>
    internal static string? CheckUrl(Uri url, OutboundPolicy policy)
    {
        if (!url.IsAbsoluteUri)
        {
            return "URL is not absolute";
        }
        if (url.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }
        if (url.Scheme == Uri.UriSchemeHttp)
        {
            return policy.AllowPlainHttp ? null : $"plain http to {url.Host} is not allowed (use https)";
        }
        return $"URL scheme '{url.Scheme}' is not allowed (http or https only)";
    }
}

/// <summary>The guard refused a destination: an SSRF attempt or a private host not in the allow-list.</summary>
public sealed class OutboundRefusedException : IOException
{
    public OutboundRefusedException(string message) : base(message) { }
    public OutboundRefusedException() { }
    public OutboundRefusedException(string message, Exception inner) : base(message, inner) { }
}
