using System.Text;
using Socme.Alerts;
using Socme.Integrations.Tests.Support;
using Socme.Integrations.TheHive;

namespace Socme.Integrations.Tests;

/// <summary>Observable rules on hand-made and malformed input.</summary>
public sealed class ObservableExtractorTests
{
    private static readonly string[] HostTypes = ["ip", "domain", "url"];

    private static string[] Render(IEnumerable<TheHiveObservable> observables) =>
        [.. observables.Select(o => $"{o.DataType}|{o.Data}|{string.Join(',', o.Tags)}")];

    private static string[] Extract(string raw, AlertSource source = AlertSource.Suricata, int max = 50, string userType = "other") =>
        Render(ObservableExtractor.Extract(Inputs.RawOnly(raw, source), max, userType));

    public static TheoryData<string> OddJson => new()
    {
        "",
        "   ",
        "null",
        "[]",
        "[1,2,3]",
        "\"just a string\"",
        "42",
        "{",
        "{\"src_ip\":",
        "{\"src_ip\": 12}",
        "{\"src_ip\": {\"nested\": true}}",
        "{\"src_ip\": [\"1.2.3.4\"]}",
        "{\"dns\": \"not an object\"}",
        "{\"dns\": {\"query\": \"not an array\"}}",
        "{\"dns\": {\"query\": [1, null, \"x\", {\"rrname\": 5}]}}",
        "{\"http\": {\"hostname\": null, \"url\": 7}}",
        "{\"http\": {\"hostname\": \"\", \"url\": \"/only/path\"}}",
        "{\"http\": {\"hostname\": \"a.example\", \"url\": \"/p\", \"http_port\": \"abc\"}}",
        "{\"http\": {\"hostname\": \"a.example\", \"url\": \"/p\", \"http_port\": 1e99}}",
        "{\"files\": {\"sha256\": \"x\"}}",
        "{\"files\": [null, 1, [], {\"md5\": 5}]}",
        "{\"syscheck\": []}",
        "{\"data\": \"string\"}",
        "{\"data\": {\"win\": {\"eventdata\": []}}}",
        "{\"agent\": {\"ip\": \"any\"}}",
        "{\"email\": {\"to\": \"not-a-list\", \"from\": [\"a@b.c\"]}}",
        "{\"src_ip\": \"1.2.3.4\", \"src_ip\": \"5.6.7.8\"}",
        "{\"a\":" + string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)) + "}",
        "{\"src_ip\": \"\\uD800\"}",
        "{\"http\": {\"hostname\": \"\\u0000evil.example\"}}",
    };

    [Theory]
    [MemberData(nameof(OddJson))]
    public void Extract_OddJson_NeverThrowsAndKeepsOnlyValidValues(string raw)
    {
        var observables = ObservableExtractor.Extract(Inputs.RawOnly(raw) with { SrcIp = "not an ip", DstIp = "" });

        Assert.All(observables, o => Assert.False(string.IsNullOrWhiteSpace(o.Data)));
        Assert.DoesNotContain(observables, o => o.Data.Contains('\0', StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_NullRawAndFields_ReturnsEmpty()
    {
        var input = Inputs.RawOnly(null!) with { SrcIp = null, DstIp = null, AgentIp = null };

        Assert.Empty(ObservableExtractor.Extract(input));
    }

    [Fact]
    public void Extract_RandomBytesAsText_NeverThrows()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 2_000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            var text = "{\"http\":{\"hostname\":\"" + Encoding.Latin1.GetString(bytes) + "\"},\"src_ip\":\"" + i + "\"}";
            var observables = ObservableExtractor.Extract(Inputs.RawOnly(text));
            Assert.All(observables, o => Assert.Contains(o.DataType, HostTypes));
        }
    }

    [Fact]
    public void Extract_TooLongRawJson_UsesOnlyNormalisedFields()
    {
        var raw = "{\"dns\":{\"rrname\":\"big.example\"},\"pad\":\"" + new string('x', ObservableExtractor.MaxRawJsonBytes) + "\"}";

        var observables = ObservableExtractor.Extract(Inputs.RawOnly(raw) with { SrcIp = "8.8.8.8" });

        Assert.Equal(["ip|8.8.8.8|src"], Render(observables));
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("169.254.10.10", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::1", true)]
    [InlineData("2001:db8::1", false)]
    public void Extract_Ip_PrivateOnesTagged(string ip, bool isPrivate)
    {
        var observable = Assert.Single(ObservableExtractor.Extract(Inputs.RawOnly("{}") with { SrcIp = ip }));

        Assert.Equal("ip", observable.DataType);
        Assert.Equal(isPrivate, observable.Tags.Contains("private"));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("010.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.256")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("255.255.255.255")]
    [InlineData("localhost")]
    public void Extract_NotAUsableIp_Dropped(string value)
    {
        Assert.Empty(ObservableExtractor.Extract(Inputs.RawOnly("{}") with { SrcIp = value }));
    }

    [Fact]
    public void Extract_Ipv4MappedIpv6_NormalisedToIpv4AndMergedWithSameIp()
    {
        var observables = Extract("""{"src_ip":"::ffff:1.2.3.4","dest_ip":"1.2.3.4"}""");

        Assert.Equal(["ip|1.2.3.4|src,dst"], observables);
    }

    [Fact]
    public void Extract_SameValueFromSeveralFields_OneObservableWithMergedTagsAndMessages()
    {
        var result = ObservableExtractor.Extract(Inputs.RawOnly("""{"src_ip":"10.0.0.5","agent":{"ip":"10.0.0.5"}}""") with { SrcIp = "10.0.0.5" });

        var observable = Assert.Single(result);
        Assert.Equal(["src", "private", "agent"], observable.Tags);
        Assert.Equal("source IP; agent IP", observable.Message);
    }

    [Fact]
    public void Extract_Cap_KeepsTheFirstObservables()
    {
        var queries = string.Join(',', Enumerable.Range(0, 100).Select(i => $"{{\"rrname\":\"h{i}.example.org\"}}"));
        var raw = "{\"src_ip\":\"1.1.1.1\",\"dns\":{\"queries\":[" + queries + "]}}";

        var observables = Extract(raw, max: 10);

        Assert.Equal(10, observables.Length);
        Assert.Equal("ip|1.1.1.1|src", observables[0]);
        Assert.Equal("domain|h8.example.org|dns", observables[9]);
        Assert.Empty(Extract(raw, max: 0));
    }

    [Fact]
    public void Extract_Domains_NormalisedAndValidated()
    {
        var raw = """
            {"dns":{"rrname":"WWW.Example.COM.","query":[{"rrname":"localhost"},{"rrname":"1.2.3.4"},{"rrname":"bad..name"},
            {"rrname":"-x.example"},{"rrname":"_ldap._tcp.corp.example"},{"rrname":"sp ace.example"}]},
             "tls":{"sni":"www.example.com"}}
            """;

        Assert.Equal(["domain|www.example.com|dns,tls", "domain|_ldap._tcp.corp.example|dns"], Extract(raw));
    }

    [Fact]
    public void Extract_HttpHostIsAnIp_IpObservableAndUrlWithIt()
    {
        var observables = Extract("""{"http":{"hostname":"203.0.113.9","url":"/x.php?a=1","http_port":8080}}""");

        Assert.Equal(["ip|203.0.113.9|http", "url|http://203.0.113.9:8080/x.php?a=1|http"], observables);
    }

    [Fact]
    public void Extract_AbsoluteHttpUrl_KeptAsIs()
    {
        var observables = Extract("""{"http":{"hostname":"proxy.example","url":"https://target.example/a"}}""");

        Assert.Equal(["domain|proxy.example|http", "url|https://target.example/a|http"], observables);
    }

    [Fact]
    public void Extract_SuricataDecodedByWazuh_ReadsUnderData()
    {
        var raw = """{"rule":{"level":10},"data":{"src_ip":"198.51.100.7","dest_ip":"10.0.0.2","dns":{"rrname":"evil.example"}}}""";

        Assert.Equal(["ip|198.51.100.7|src", "ip|10.0.0.2|dst,private", "domain|evil.example|dns"], Extract(raw, AlertSource.Wazuh));
    }

    [Fact]
    public void Extract_WazuhHostnameAndAbsoluteUrl()
    {
        var raw = """{"data":{"hostname":"web01.corp.example","url":"http://web01.corp.example/login"}}""";

        Assert.Equal(["domain|web01.corp.example|host", "url|http://web01.corp.example/login|url"], Extract(raw, AlertSource.Wazuh));
        Assert.Empty(Extract("""{"data":{"hostname":"web01","url":"/remote/login?lang=en"}}""", AlertSource.Wazuh));
    }

    [Fact]
    public void Extract_Hashes_LengthAndHexChecked()
    {
        var raw = """
            {"syscheck":{"md5_after":"D41D8CD98F00B204E9800998ECF8427E","sha1_after":"xyz","sha256_after":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"},
             "fileinfo":{"sha256":"g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","sha1":"da39a3ee5e6b4b0d3255bfef95601890afd80709"}}
            """;

        Assert.Equal(
            ["hash|da39a3ee5e6b4b0d3255bfef95601890afd80709|file,sha1", "hash|d41d8cd98f00b204e9800998ecf8427e|fim,md5"],
            Extract(raw, AlertSource.Wazuh));
    }

    [Fact]
    public void Extract_FileNames_FromUnixAndWindowsPaths()
    {
        var raw = """{"syscheck":{"path":"c:\\windows\\system32\\drivers\\etc\\hosts"},"fileinfo":{"filename":"/dl/setup.exe?token=1"}}""";

        Assert.Equal(["filename|setup.exe|file", "filename|hosts|fim"], Extract(raw));
        Assert.Empty(Extract("""{"syscheck":{"path":"/var/log/"}}""", AlertSource.Wazuh));
    }

    [Fact]
    public void Extract_Users_PlaceholdersSkippedMailsAsMail()
    {
        var raw = """
            {"data":{"srcuser":"-","dstuser":"root","user":"N/A","office365":{"UserId":"Williams@Wazuh.com"},
             "win":{"eventdata":{"targetUserName":"CORP\\alice","subjectUserName":"WS01$"}}}}
            """;

        Assert.Equal(
            ["user-account|root|user", "user-account|CORP\\alice|user", "user-account|WS01$|user", "mail|williams@wazuh.com|user"],
            Extract(raw, AlertSource.Wazuh, userType: "user-account"));
    }

    [Fact]
    public void Extract_MailAddresses_FromSuricataEmailAndSmtp()
    {
        var raw = """
            {"smtp":{"mail_from":"<Bob@Example.org>","rcpt_to":["<carol@example.net>","not-an-address"]},
             "email":{"from":"\"Bob\" <bob@example.org>","to":["dave@example.com"],"cc":["x@localhost"]}}
            """;

        Assert.Equal(
            ["mail|bob@example.org|email,smtp", "mail|dave@example.com|email", "mail|carol@example.net|smtp"],
            Extract(raw));
    }
}
