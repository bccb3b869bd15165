using System.Diagnostics;
using System.Globalization;
using Socme.Node.Tailing;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

public sealed class FileIdentityTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TryStat_AgreesWithTheStatCommand()
    {
        var path = _dir["a.json"];
        File.WriteAllText(path, "hello\n");

        Assert.True(FileIdentity.TryStat(path, out var stat));

        var psi = new ProcessStartInfo("stat", ["-c", "%d %i %s", path]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var fields = p.StandardOutput.ReadToEnd().Trim().Split(' ');
        p.WaitForExit();
        Assert.Equal(ulong.Parse(fields[0], CultureInfo.InvariantCulture), stat.Device);
        Assert.Equal(ulong.Parse(fields[1], CultureInfo.InvariantCulture), stat.Inode);
        Assert.Equal(6, stat.Size);
    }

    [Fact]
    public void Stat_OfAnOpenHandle_IsTheFileItWasOpenedOn_EvenAfterARename()
    {
        var path = _dir["eve.json"];
        File.WriteAllText(path, "x\n");
        using var handle = File.OpenHandle(path);
        Assert.True(FileIdentity.TryStat(path, out var before));

        File.Move(path, _dir["eve.json.1"]);
        File.WriteAllText(path, "new\n");

        var opened = FileIdentity.Stat(handle);
        Assert.True(opened.SameFile(before));
        Assert.True(FileIdentity.TryStat(_dir["eve.json.1"], out var renamed));
        Assert.True(renamed.SameFile(before));
        Assert.True(FileIdentity.TryStat(path, out var recreated));
        Assert.False(recreated.SameFile(before));
    }

    [Fact]
    public void TryStat_SeesAHardLinkAsTheSameFile()
    {
        File.WriteAllText(_dir["ossec-alerts-22.json"], "x\n");
        Posix.Link(_dir["ossec-alerts-22.json"], _dir["alerts.json"]);

        Assert.True(FileIdentity.TryStat(_dir["alerts.json"], out var link));
        Assert.True(FileIdentity.TryStat(_dir["ossec-alerts-22.json"], out var target));
        Assert.True(link.SameFile(target));
    }

    [Fact]
    public void TryStat_OfAMissingPath_IsFalse()
    {
        Assert.False(FileIdentity.TryStat(_dir["missing.json"], out _));
        Assert.False(FileIdentity.TryStat(_dir["missing/dir/file.json"], out _));
    }
}
