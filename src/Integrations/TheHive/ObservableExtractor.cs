using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using System.Text.Json;

namespace Socme.Integrations.TheHive;

/// <summary>Extracts TheHive observables from an alert's normalised fields and raw Wazuh or Suricata JSON.</summary>
/// <remarks>
/// Total: no input makes it throw (malformed JSON, wrong types, huge values are skipped). Values are validated
/// (an IP parses as four dotted decimals or IPv6, a hash is hex of 32/40/64/128 digits, a domain is a DNS name with a
/// dot, a URL is absolute http(s)), normalised (lower case for IPs, domains, hashes, mail addresses), de-duplicated
/// by (data type, value) with their tags merged — TheHive 4.0 refused a whole alert that carried the same observable twice
/// (TheHive issue #1514) — and capped. Private, loopback, link-local and CGNAT addresses are kept and tagged <c>private</c>.
/// The paths read are listed in the library README.
/// </remarks>
public static class ObservableExtractor
{
    /// <summary>Raw JSON longer than this is not parsed (only the normalised fields are used).</summary>
    public const int MaxRawJsonBytes = 1 << 20;

    private const int MaxValueLength = 2048;

    /// <summary>
    /// Observables of <paramref name="input"/>, in a stable order: the normalised IPs (source, destination, agent), the raw
    /// JSON's IPs, its protocol details (DNS, HTTP host and URL, TLS SNI, transferred files, mail), then Wazuh fields (host
    /// name, URL, syscheck, VirusTotal, users). The cap keeps the first ones.
    /// </summary>
    /// <param name="input">The alert.</param>
    /// <param name="maxCount">Most observables returned (≤ 0: none).</param>
    /// <param name="userDataType">TheHive data type for user accounts (see <see cref="TheHiveOptions.UserDataType"/>).</param>
    public static IReadOnlyList<TheHiveObservable> Extract(EscalationInput input, int maxCount = 50, string userDataType = "other")
    {
        ArgumentNullException.ThrowIfNull(input);
        var bag = new Bag(Math.Max(0, maxCount));
        if (string.IsNullOrWhiteSpace(userDataType))
        {
            userDataType = "other";
        }

        bag.Ip(input.SrcIp, "src", "source IP");
        bag.Ip(input.DstIp, "dst", "destination IP");
        bag.Ip(input.AgentIp, "agent", "agent IP");

        using var doc = TryParse(input.RawJson);
        if (doc is not null && doc.RootElement.ValueKind == JsonValueKind.Object)
        {
            var root = doc.RootElement;
            var data = Child(root, "data");
            FromRaw(bag, root, data, userDataType);
        }

        return bag.ToList();
    }

    private static JsonDocument? TryParse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > MaxRawJsonBytes)
        {
            return null;
        }
        try
        {
            return JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void FromRaw(Bag bag, JsonElement root, JsonElement? data, string userDataType)
    {
        // IPs: Suricata top level; Wazuh agent and data (also Suricata alerts decoded by Wazuh under data.*).
        bag.Ip(Str(root, "src_ip"), "src", "source IP");
        bag.Ip(Str(root, "dest_ip"), "dst", "destination IP");
        bag.Ip(Str(Child(root, "agent"), "ip"), "agent", "agent IP");
        bag.Ip(Str(data, "srcip"), "src", "source IP");
        bag.Ip(Str(data, "dstip"), "dst", "destination IP");
        bag.Ip(Str(data, "src_ip"), "src", "source IP");
        bag.Ip(Str(data, "dest_ip"), "dst", "destination IP");
        bag.Ip(Str(Child(Child(data, "win"), "eventdata"), "ipAddress"), "src", "Windows logon source IP");

        // Network protocol details (Suricata, or Suricata decoded by Wazuh under data).
        Network(bag, root);
        Network(bag, data);

        // Wazuh.
        var hostname = Str(data, "hostname");
        if (hostname is not null && !LooksLikeIp(hostname))
        {
            bag.Domain(hostname, "host", "host name");
        }
        var url = Str(data, "url");
        if (url is not null && IsAbsoluteHttpUrl(url))
        {
            bag.Url(url, "url", "URL");
        }

        var syscheck = Child(root, "syscheck");
        bag.Hash(Str(syscheck, "md5_after"), "fim", "file hash after change (syscheck)");
        bag.Hash(Str(syscheck, "sha1_after"), "fim", "file hash after change (syscheck)");
        bag.Hash(Str(syscheck, "sha256_after"), "fim", "file hash after change (syscheck)");
        bag.FileName(Str(syscheck, "path"), "fim", "syscheck path");

        var virustotal = Child(Child(data, "virustotal"), "source");
        bag.Hash(Str(virustotal, "md5"), "virustotal", "file hash (VirusTotal integration)");
        bag.Hash(Str(virustotal, "sha1"), "virustotal", "file hash (VirusTotal integration)");
        bag.FileName(Str(virustotal, "file"), "virustotal", "file (VirusTotal integration)");

        var eventdata = Child(Child(data, "win"), "eventdata");
        bag.User(Str(data, "srcuser"), userDataType, "source user (data.srcuser)");
        bag.User(Str(data, "dstuser"), userDataType, "destination user (data.dstuser)");
        bag.User(Str(data, "user"), userDataType, "user (data.user)");
        bag.User(Str(eventdata, "targetUserName"), userDataType, "Windows target user");
        bag.User(Str(eventdata, "subjectUserName"), userDataType, "Windows subject user");
        bag.User(Str(Child(data, "office365"), "UserId"), userDataType, "Office 365 user");
    }

    private static void Network(Bag bag, JsonElement? container)
    {
        if (container is null)
        {
            return;
        }

        var dns = Child(container, "dns");
        bag.Domain(Str(dns, "rrname"), "dns", "DNS query");
        foreach (var name in (string[])["query", "queries"])
        {
            foreach (var q in Items(Child(dns, name)))
            {
                bag.Domain(Str(q, "rrname"), "dns", "DNS query");
            }
        }

        var http = Child(container, "http");
        var host = Str(http, "hostname");
        if (host is not null && LooksLikeIp(host))
        {
            bag.Ip(host, "http", "HTTP host");
            host = NormaliseIp(host);
        }
        else
        {
            bag.Domain(host, "http", "HTTP host");
            host = NormaliseDomain(host);
        }
        var path = Str(http, "url");
        if (path is not null)
        {
            if (IsAbsoluteHttpUrl(path))
            {
                bag.Url(path, "http", "HTTP URL");
            }
            else if (host is not null && path.StartsWith('/'))
            {
                var port = Int(http, "http_port");
                var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
                var portPart = port is > 0 and <= 65535 and not 80 ? $":{port}" : "";
                bag.Url($"http://{authority}{portPart}{path}", "http", "HTTP URL");
            }
        }

        bag.Domain(Str(Child(container, "tls"), "sni"), "tls", "TLS server name (SNI)");

        var fileinfo = Child(container, "fileinfo");
        FileHashes(bag, fileinfo);
        foreach (var file in Items(Child(container, "files")))
        {
            FileHashes(bag, file);
        }

        var email = Child(container, "email");
        bag.Mail(Str(email, "from"), "email", "mail sender");
        foreach (var field in (string[])["to", "cc"])
        {
            foreach (var to in Items(Child(email, field)))
            {
                bag.Mail(Text(to), "email", "mail recipient");
            }
        }
        var smtp = Child(container, "smtp");
        bag.Mail(Str(smtp, "mail_from"), "smtp", "SMTP MAIL FROM");
        foreach (var rcpt in Items(Child(smtp, "rcpt_to")))
        {
            bag.Mail(Text(rcpt), "smtp", "SMTP RCPT TO");
        }
    }

    private static void FileHashes(Bag bag, JsonElement? file)
    {
        bag.Hash(Str(file, "md5"), "file", "transferred file hash");
        bag.Hash(Str(file, "sha1"), "file", "transferred file hash");
        bag.Hash(Str(file, "sha256"), "file", "transferred file hash");
        bag.FileName(Str(file, "filename"), "file", "transferred file");
    }

    // ---- JSON helpers: never throw on a wrong shape --------------------------------------------------------------

    private static JsonElement? Child(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var child) ? child : null;

    private static string? Str(JsonElement? element, string name) => Text(Child(element, name));

    /// <summary>The string value, or null when not a string or not decodable (an escaped lone surrogate makes GetString throw).</summary>
    internal static string? Text(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.String } s)
        {
            return null;
        }
        try
        {
            return s.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static int? Int(JsonElement? element, string name) => Child(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var i) => i,
        { ValueKind: JsonValueKind.String } s when int.TryParse(Text(s), out var i) => i,
        _ => null,
    };

    private static readonly JsonElement EmptyArray = CreateEmptyArray();

    private static JsonElement CreateEmptyArray()
    {
        using var doc = JsonDocument.Parse("[]");
        return doc.RootElement.Clone();
    }

    private static JsonElement.ArrayEnumerator Items(JsonElement? element) =>
        (element is { ValueKind: JsonValueKind.Array } a ? a : EmptyArray).EnumerateArray();

    // ---- validation and normalisation ------------------------------------------------------------------------------

    internal static bool LooksLikeIp(string value) => NormaliseIp(value) is not null;

    /// <summary>The canonical text of an IPv4 (four dotted decimals) or IPv6 address; null when not one, or unspecified.</summary>
    internal static string? NormaliseIp(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 64)
        {
            return null;
        }
        value = value.Trim();
        var isV6 = value.Contains(':', StringComparison.Ordinal);
        if (!isV6 && !IsDottedQuad(value))
        {
            return null; // IPAddress.TryParse also takes "1", "010.1" or "0x7f.1"; alerts never mean those.
        }
        if (!IPAddress.TryParse(value, out var ip))
        {
            return null;
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.Broadcast))
        {
            return null;
        }
        return ip.ToString().ToLowerInvariant();
    }

    private static bool IsDottedQuad(string value)
    {
        var parts = value.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>RFC 1918, loopback, link-local, CGNAT (100.64/10), IPv6 loopback, link-local and unique-local.</summary>
    internal static bool IsPrivate(string normalisedIp)
    {
        if (!IPAddress.TryParse(normalisedIp, out var ip))
        {
            return false;
        }
        if (IPAddress.IsLoopback(ip))
        {
            return true;
        }
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return b[0] == 10
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] is >= 64 and <= 127);
        }
        return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal;
    }

    /// <summary>A lower-case DNS name with at least one dot and a non-numeric last label; null otherwise.</summary>
    internal static string? NormaliseDomain(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var name = value.Trim().TrimEnd('.').ToLowerInvariant();
        if (name.Length is 0 or > 253 || !name.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }
        var labels = name.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return null;
            }
            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    return null;
                }
            }
        }
        return labels[^1].All(char.IsAsciiDigit) ? null : name;
    }

    internal static bool IsAbsoluteHttpUrl(string value) =>
        value.Length <= MaxValueLength
        && (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && !string.IsNullOrEmpty(uri.Host)
        && !value.Any(char.IsControl);

    /// <summary>Lower-case hex of an MD5, SHA-1, SHA-256 or SHA-512 digest, with its algorithm; null otherwise.</summary>
    internal static (string Hash, string Algorithm)? NormaliseHash(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var hash = value.Trim();
        var algorithm = hash.Length switch
        {
            32 => "md5",
            40 => "sha1",
            64 => "sha256",
            128 => "sha512",
            _ => null,
        };
        return algorithm is not null && hash.All(char.IsAsciiHexDigit) ? (hash.ToLowerInvariant(), algorithm) : null;
    }

    internal static string? NormaliseMail(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 320 || !value.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }
        var trimmed = value.Trim();
        if (!MailAddress.TryCreate(trimmed, out var mail) && !MailAddress.TryCreate(trimmed.Trim('<', '>'), out mail))
        {
            return null;
        }
        var address = mail.Address.ToLowerInvariant();
        var at = address.LastIndexOf('@');
        return at > 0 && NormaliseDomain(address[(at + 1)..]) is not null ? address : null;
    }

    private static readonly HashSet<string> NotAUser = new(StringComparer.OrdinalIgnoreCase)
    {
        "-", "n/a", "na", "none", "null", "unknown", "(unknown)", "(none)",
    };

    /// <summary>Collects observables in order, merging duplicates, up to a cap.</summary>
    private sealed class Bag(int max)
    {
        private readonly List<Entry> entries = [];
        private readonly Dictionary<string, Entry> byKey = new(StringComparer.Ordinal);

        public void Ip(string? value, string tag, string message)
        {
            var ip = NormaliseIp(value);
            if (ip is null)
            {
                return;
            }
            var entry = Add("ip", ip, tag, message);
            if (entry is not null && IsPrivate(ip))
            {
                entry.AddTag("private");
            }
        }

        public void Domain(string? value, string tag, string message)
        {
            var domain = NormaliseDomain(value);
            if (domain is not null)
            {
                Add("domain", domain, tag, message);
            }
        }

        public void Url(string value, string tag, string message)
        {
            if (IsAbsoluteHttpUrl(value))
            {
                Add("url", value, tag, message);
            }
        }

        public void Hash(string? value, string tag, string message)
        {
            if (NormaliseHash(value) is var (hash, algorithm))
            {
                Add("hash", hash, tag, message)?.AddTag(algorithm);
            }
        }

        public void FileName(string? path, string tag, string message)
        {
            if (string.IsNullOrWhiteSpace(path) || path.Length > MaxValueLength || path.Any(char.IsControl))
            {
                return;
            }
            var trimmed = path.Trim();
            var query = trimmed.IndexOf('?', StringComparison.Ordinal);
            var withoutQuery = query >= 0 && trimmed.StartsWith('/') ? trimmed[..query] : trimmed;
            var cut = withoutQuery.LastIndexOfAny(['/', '\\']);
            var name = withoutQuery[(cut + 1)..];
            if (name.Length is 0 or > 255 || name is "." or "..")
            {
                return;
            }
            Add("filename", name, tag, $"{message}: {trimmed}");
        }

        public void User(string? value, string userDataType, string message)
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > 256 || value.Any(char.IsControl))
            {
                return;
            }
            var user = value.Trim();
            if (NotAUser.Contains(user))
            {
                return;
            }
            if (NormaliseMail(user) is { } mail)
            {
                Add("mail", mail, "user", message);
                return;
            }
            Add(userDataType, user, "user", message);
        }

        public void Mail(string? value, string tag, string message)
        {
            if (NormaliseMail(value) is { } mail)
            {
                Add("mail", mail, tag, message);
            }
        }

        private Entry? Add(string dataType, string data, string tag, string message)
        {
            var key = dataType + "\n" + data;
            if (byKey.TryGetValue(key, out var existing))
            {
                existing.AddTag(tag);
                existing.AddMessage(message);
                return existing;
            }
            if (entries.Count >= max)
            {
                return null;
            }
            var entry = new Entry(dataType, data);
            entry.AddTag(tag);
            entry.AddMessage(message);
            entries.Add(entry);
            byKey[key] = entry;
            return entry;
        }

        public List<TheHiveObservable> ToList() =>
            entries.ConvertAll(e => new TheHiveObservable(e.DataType, e.Data, e.Tags.ToArray(), string.Join("; ", e.Messages)));
    }

    private sealed class Entry(string dataType, string data)
    {
        public string DataType { get; } = dataType;
        public string Data { get; } = data;
        public List<string> Tags { get; } = [];
        public List<string> Messages { get; } = [];

        public void AddTag(string tag)
        {
            if (!Tags.Contains(tag, StringComparer.Ordinal))
            {
                Tags.Add(tag);
            }
        }

        public void AddMessage(string message)
        {
            if (!Messages.Contains(message, StringComparer.Ordinal))
            {
                Messages.Add(message);
            }
        }
    }
}
