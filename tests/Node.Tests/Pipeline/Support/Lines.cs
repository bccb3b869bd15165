using System.Globalization;
using System.Text;
using Socme.Alerts;

namespace Socme.Node.Tests.Pipeline.Support;

/// <summary>Alert lines for tests, in the shapes Wazuh and Suricata write.</summary>
internal static class Lines
{
    /// <summary>A Wazuh alerts.json line with a unique id (<c>1700000000.&lt;n&gt;</c>) and the given level.</summary>
    public static string Wazuh(int n, int level = 5, string? extra = null) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"timestamp":"2026-11-22T07:00:{{{n % 60:00}}}.000+0000","rule":{"level":{{{level}}},"description":"sshd: authentication failed {{{n}}}","id":"5710","groups":["syslog","sshd"]},"agent":{"id":"001","name":"web-1","ip":"192.0.2.10"},"manager":{"name":"wazuh"},"id":"1700000000.{{{n}}}","full_log":"Failed password for root from 198.51.100.{{{n % 250}}} port 22 ssh2{{{extra}}}","location":"/var/log/auth.log","data":{"srcip":"198.51.100.{{{n % 250}}}"}}""");

    public static string SuricataAlert(int n, int severity = 2) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"timestamp":"2026-11-22T07:00:00.{{{n % 1000000:000000}}}+0000","flow_id":{{{n}}},"event_type":"alert","src_ip":"203.0.113.{{{n % 250}}}","src_port":{{{1024 + n}}},"dest_ip":"192.0.2.10","dest_port":80,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":{{{2000000 + n}}},"rev":1,"signature":"ET TEST alert {{{n}}}","category":"Misc activity","severity":{{{severity}}}}}""");

    public static string SuricataDns(int n) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"timestamp":"2026-11-22T07:00:00.{{{n % 1000000:000000}}}+0000","flow_id":{{{n}}},"event_type":"dns","src_ip":"192.0.2.10","dest_ip":"192.0.2.53","proto":"UDP","dns":{"type":"query","rrname":"example{{{n}}}.org"}}""");

    public static string SuricataAnomaly(int n) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"timestamp":"2026-11-22T07:00:00.{{{n % 1000000:000000}}}+0000","event_type":"anomaly","src_ip":"192.0.2.10","anomaly":{"type":"decode","event":"ipv4.trunc_pkt {{{n}}}"}}""");

    public static string KeyOf(AlertSource source, string line) => AlertParser.StableKey(source, Encoding.UTF8.GetBytes(line));

    public static void Append(string path, params string[] lines) => File.AppendAllText(path, string.Concat(lines.Select(l => l + "\n")));

    public static void AppendRaw(string path, string text) => File.AppendAllText(path, text);

    /// <summary>The shared corpus folder (SOCME_CORPUS, else ../shared/corpus beside the repository).</summary>
    public static string Corpus(string relative)
    {
        var root = Environment.GetEnvironmentVariable("SOCME_CORPUS");
        if (string.IsNullOrEmpty(root))
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !Directory.Exists(System.IO.Path.Combine(dir.FullName, "shared", "corpus")))
            {
                dir = dir.Parent;
            }
            root = dir is null ? "/work/shared/corpus" : System.IO.Path.Combine(dir.FullName, "shared", "corpus");
        }
        return System.IO.Path.Combine(root, relative);
    }
}
