using System.Net;
using System.Net.Sockets;

namespace Socme.Notify.Internal;

internal sealed record AddressRule(string Reason, bool PrivateNetwork);

/// <summary>Non-public address ranges (IANA special-purpose registries) and the policy compiled for quick checks.</summary>
internal static class AddressRules
{
    private static readonly AddressRule Loopback = new("loopback", true);
    private static readonly AddressRule Private = new("private", true);
    private static readonly AddressRule LinkLocal = new("link-local", true);
    private static readonly AddressRule Metadata = new("link-local (cloud metadata)", false);
    private static readonly AddressRule Unspecified = new("unspecified", false);
    private static readonly AddressRule Multicast = new("multicast", false);
    private static readonly AddressRule Broadcast = new("broadcast", false);
    private static readonly AddressRule Reserved = new("reserved", false);

    private static readonly (IPNetwork Net, AddressRule Rule)[] V4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), Private),
        (IPNetwork.Parse("100.64.0.0/10"), Private),
        (IPNetwork.Parse("127.0.0.0/8"), Loopback),
        (IPNetwork.Parse("169.254.169.254/32"), Metadata),
        (IPNetwork.Parse("169.254.0.0/16"), LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), Private),
        (IPNetwork.Parse("192.0.0.0/24"), Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), Reserved),
        (IPNetwork.Parse("192.88.99.0/24"), Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), Private),
        (IPNetwork.Parse("198.18.0.0/15"), Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), Reserved),
        (IPNetwork.Parse("203.0.113.0/24"), Reserved),
        (IPNetwork.Parse("224.0.0.0/4"), Multicast),
        (IPNetwork.Parse("255.255.255.255/32"), Broadcast),
        (IPNetwork.Parse("240.0.0.0/4"), Reserved),
    ];

    private static readonly (IPNetwork Net, AddressRule Rule)[] V6 =
    [
        (IPNetwork.Parse("::/128"), Unspecified),
        (IPNetwork.Parse("::1/128"), Loopback),
        (IPNetwork.Parse("fd00:ec2::254/128"), Metadata),
        (IPNetwork.Parse("fc00::/7"), Private),
        (IPNetwork.Parse("fe80::/10"), LinkLocal),
        (IPNetwork.Parse("fec0::/10"), Private),
        (IPNetwork.Parse("ff00::/8"), Multicast),
        (IPNetwork.Parse("100::/64"), Reserved),
        (IPNetwork.Parse("2001:db8::/32"), Reserved),
        (IPNetwork.Parse("::/96"), Reserved),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>The rule that refuses <paramref name="address"/> by default, or null when it is public.</summary>
    public static AddressRule? Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            foreach (var (net, rule) in V4)
            {
                if (net.Contains(address))
                {
                    return rule;
                }
            }
            return null;
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return Reserved;
        }
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
        {
            return Classify(new IPAddress(bytes.AsSpan(12, 4)));
        }
        if (SixToFour.Contains(address))
        {
            return Classify(new IPAddress(bytes.AsSpan(2, 4)));
        }
        foreach (var (net, rule) in V6)
        {
            if (net.Contains(address))
            {
                return rule;
            }
        }
        return null;
    }
}

/// <summary>An <see cref="Socme.Notify.OutboundPolicy"/> parsed once: host names and CIDR ranges.</summary>
internal sealed class CompiledPolicy
{
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];

    public required Socme.Notify.OutboundPolicy Policy { get; init; }

    public static CompiledPolicy From(Socme.Notify.OutboundPolicy policy)
    {
        var compiled = new CompiledPolicy { Policy = policy };
        foreach (var raw in policy.AllowedHosts)
        {
            var entry = raw?.Trim() ?? "";
            if (entry.Length == 0)
            {
                continue;
            }
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                if (!IPNetwork.TryParse(entry, out var net))
                {
                    throw new ArgumentException($"Allow-list entry '{entry}' is not a valid CIDR range.", nameof(policy));
                }
                compiled._networks.Add(net);
            }
            else
            {
                compiled._hosts.Add(entry.TrimStart('[').TrimEnd(']'));
            }
        }
        return compiled;
    }

    public bool AllowsHost(string host) => _hosts.Contains(host.TrimStart('[').TrimEnd(']'));

    public bool AllowsAddress(IPAddress address)
    {
        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Exists(n => n.Contains(v4) || n.Contains(address));
    }
}
