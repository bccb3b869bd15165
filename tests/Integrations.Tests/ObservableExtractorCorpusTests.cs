using System.Net;
using Socme.Alerts;
using Socme.Integrations.Tests.Support;
using Socme.Integrations.TheHive;

namespace Socme.Integrations.Tests;

/// <summary>Golden observables of selected real corpus lines, and a sweep of every corpus line.</summary>
public sealed class ObservableExtractorCorpusTests
{
    private const string WazuhReal = "wazuh-qa-real-alerts.json";
    private const string WazuhGenerated = "wazuh-dashboard-plugins-v4.14.7-generated-sample-alerts.json";
    private const string Stamus02 = "stamus-suricata-analytics-training02-eve.json";
    private static readonly int[] HashLengths = [32, 40, 64, 128];

    private static string[] Render(IEnumerable<TheHiveObservable> observables) =>
        [.. observables.Select(o => $"{o.DataType}|{o.Data}|{string.Join(',', o.Tags)}")];

    private static string[] Extract(AlertSource source, string path, int line) =>
        Render(ObservableExtractor.Extract(Inputs.FromLine(source, Corpus.Line(path, line))));

    [Fact]
    public void WazuhSshdBruteForce_SourceIpAndInvalidUser()
    {
        var observables = Extract(AlertSource.Wazuh, Corpus.Wazuh(WazuhReal), 42);

        Assert.Equal(["ip|172.17.1.1|src,private", "other|paco|user"], observables);
    }

    [Fact]
    public void WazuhSyscheck_AgentIpHashesAndFileName()
    {
        var result = ObservableExtractor.Extract(Inputs.FromLine(AlertSource.Wazuh, Corpus.Line(Corpus.Wazuh(WazuhReal), 1)));

        Assert.Equal(
            [
                "ip|10.0.0.50|agent,private",
                "hash|d41d8cd98f00b204e9800998ecf8427e|fim,md5",
                "hash|da39a3ee5e6b4b0d3255bfef95601890afd80709|fim,sha1",
                "hash|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855|fim,sha256",
                "filename|check_change_file_group_test.txt|fim",
            ],
            Render(result));
        Assert.Equal("syscheck path: /fim_test/check_change_file_group_test.txt", result.Single(o => o.DataType == "filename").Message);
    }

    [Fact]
    public void WazuhWindowsLogonFailure_IpsAndUsers()
    {
        var observables = Extract(AlertSource.Wazuh, Corpus.Wazuh(WazuhGenerated), 80);

        Assert.Equal(
            [
                "ip|134.87.21.47|src",
                "ip|187.54.247.68|agent",
                "ip|16.4.20.20|src",
                "other|ec2-user|user",
                "other|DIRECTION|user",
            ],
            observables);
    }

    [Fact]
    public void SuricataDnsAlert_PrivateIpsAndQueriedDomain()
    {
        var observables = Extract(AlertSource.Suricata, Corpus.Suricata(Stamus02), 5);

        Assert.Equal(["ip|10.4.17.101|src,private", "ip|10.4.17.1|dst,private", "domain|prottahobarta.com|dns"], observables);
    }

    [Fact]
    public void SuricataTlsAlert_PublicIpUntaggedAndSni()
    {
        var observables = Extract(AlertSource.Suricata, Corpus.Suricata(Stamus02), 21);

        Assert.Equal(["ip|87.249.49.206|src", "ip|10.4.17.101|dst,private", "domain|qogmjlm.org|tls"], observables);
    }

    [Fact]
    public void SuricataHttpAlertWithFile_HostUrlHashAndFileName()
    {
        var observables = Extract(AlertSource.Suricata, Corpus.Suricata(Stamus02), 102);

        Assert.Equal(
            [
                "ip|87.249.49.206|src",
                "ip|10.4.17.101|dst,private",
                "domain|krd6.com|http",
                "url|http://krd6.com/share/avp.msi|http",
                "hash|6a67f12acc0175d24af61737c5bfaf1138169f7d5cf49169f160ac5a502d0ae9|file,sha256",
                "filename|avp.msi|file",
            ],
            observables);
    }

    [Fact]
    public void SuricataHttpAlertWithoutHostname_NoUrlFromARelativePath()
    {
        var observables = Extract(AlertSource.Suricata, Corpus.Suricata("frankhassanabad-first-org-conf-2015-alerts-eve.json"), 19);

        Assert.Equal(["ip|188.165.22.205|src", "ip|192.168.0.2|dst,private"], observables);
    }

    [Fact]
    public void SuricataFileinfoWithEscapedUrl_Md5AndCombinedUrl()
    {
        var raw = Corpus.Line(Corpus.Suricata("dcso-fever-testdata-eve.json"), 5);

        var observables = Render(ObservableExtractor.Extract(Inputs.RawOnly(raw)));

        Assert.Equal(
            [
                "ip|10.0.0.10|src,private",
                "ip|10.0.0.11|dst,private",
                "domain|api.icndb.com|http",
                "url|http://api.icndb.com/jokes/random?firstName=Chuck&lastName=Norris&limitTo=[nerdy]|http",
                "hash|8d81d793b28b098e8623d47bae23cf44|file,md5",
                "filename|random|file",
            ],
            observables);
    }

    /// <summary>Every line of every corpus file (alerts and other events): no throw, every value valid, no duplicates, cap kept.</summary>
    [Fact]
    public void EveryCorpusLine_ObservablesAreValidUniqueAndCapped()
    {
        var lines = 0;
        var withObservables = 0;
        foreach (var path in Corpus.AllFiles())
        {
            var source = path.Contains("/wazuh/", StringComparison.Ordinal) ? AlertSource.Wazuh : AlertSource.Suricata;
            foreach (var line in File.ReadLines(path))
            {
                lines++;
                var observables = ObservableExtractor.Extract(Inputs.RawOnly(line, source), maxCount: 20);
                Assert.True(observables.Count <= 20);
                Assert.Equal(observables.Count, observables.Select(o => (o.DataType, o.Data)).Distinct().Count());
                withObservables += observables.Count > 0 ? 1 : 0;
                foreach (var o in observables)
                {
                    AssertValid(o, $"{Path.GetFileName(path)}:{lines}");
                }
            }
        }
        Assert.True(lines > 11_000, $"corpus lines read: {lines}");
        Assert.True(withObservables > lines / 2, $"{withObservables} of {lines} lines gave observables");
    }

    private static void AssertValid(TheHiveObservable o, string where)
    {
        Assert.False(string.IsNullOrWhiteSpace(o.Data), where);
        Assert.NotEmpty(o.Tags);
        switch (o.DataType)
        {
            case "ip":
                Assert.True(IPAddress.TryParse(o.Data, out _), $"{where}: ip {o.Data}");
                break;
            case "hash":
                Assert.Contains(o.Data.Length, HashLengths);
                Assert.True(o.Data.All(char.IsAsciiHexDigitLower) || o.Data.All(char.IsAsciiDigit), $"{where}: hash {o.Data}");
                break;
            case "url":
                Assert.True(Uri.TryCreate(o.Data, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", $"{where}: url {o.Data}");
                break;
            case "domain":
                Assert.Contains('.', o.Data);
                Assert.Equal(o.Data.ToLowerInvariant(), o.Data);
                break;
            case "mail":
                Assert.Contains('@', o.Data);
                break;
            case "filename":
                Assert.DoesNotContain('/', o.Data);
                break;
            case "other":
                Assert.Contains("user", o.Tags);
                break;
            default:
                Assert.Fail($"{where}: unexpected data type {o.DataType}");
                break;
        }
    }
}
