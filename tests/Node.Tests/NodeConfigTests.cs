using Socme.Node.Configuration;
using Socme.Node.Enrollment;

namespace Socme.Node.Tests;

public sealed class NodeConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("socme-node-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_dir, "socme-node.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Load_FileGivesSeveralSources_AndFlagsOverrideTheRest()
    {
        var file = WriteConfig($$"""
            {"Core":"https://core.example:8443/","DataDir":"{{_dir}}","BatchMaxCount":200,
             "Sources":[{"Kind":"Wazuh","Path":"/var/ossec/logs/alerts/alerts.json","MinLevel":5},
                        {"Kind":"Suricata","Path":"/var/log/suricata/eve.json","IncludeAnomaly":true},
                        {"Kind":"Suricata","Id":"dmz","Path":"/var/log/suricata/dmz/eve.json"}]}
            """);

        var fromFile = NodeConfig.Load(file, new NodeConfig.FlagValues());
        var flagged = NodeConfig.Load(file, new NodeConfig.FlagValues(Core: "http://127.0.0.1:5080", Wazuh: ["/tmp/alerts.json"], MinLevel: 7));

        Assert.Equal(3, fromFile.Sources.Count);
        Assert.Equal(200, fromFile.BatchMaxCount);
        Assert.Equal((SourceKind.Wazuh, 5), (fromFile.Sources[0].Kind, fromFile.Sources[0].MinLevel));
        Assert.True(fromFile.Sources[1].IncludeAnomaly);
        Assert.Equal("dmz", fromFile.Sources[2].EffectiveId);
        Assert.Empty(NodeConfig.Validate(fromFile));
        Assert.Equal("http://127.0.0.1:5080", flagged.Core);
        Assert.Equal("/tmp/alerts.json", flagged.Sources[0].Path);
        Assert.Equal(7, flagged.Sources[0].MinLevel);
    }

    [Fact]
    public void Load_WithoutCore_TakesItFromTheEnrollment()
    {
        new EnrollmentRecord("https://core.example/", Guid.NewGuid(), Guid.NewGuid(), "h", DateTimeOffset.UnixEpoch).Write(_dir);

        var o = NodeConfig.Load(null, new NodeConfig.FlagValues(DataDir: _dir, Suricata: ["/var/log/suricata/eve.json"]));

        Assert.Equal("https://core.example/", o.Core);
    }

    [Fact]
    public void Validate_SaysWhatIsMissing()
    {
        var problems = NodeConfig.Validate(new NodeOptions { DataDir = _dir });

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("--core", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("--wazuh", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MissingConfigFile_IsAClearError() =>
        Assert.Throws<FileNotFoundException>(() => NodeConfig.Load(Path.Combine(_dir, "nope.json"), new NodeConfig.FlagValues()));
}
