using System.Runtime.Versioning;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;
using Socme.Node.Enrollment;

namespace Socme.Core.Tests;

/// <summary><c>socme-node enroll</c>'s logic against a real core on Kestrel.</summary>
[SupportedOSPlatform("linux")]
public sealed class NodeEnrollmentTests(KestrelCoreFactory core) : IClassFixture<KestrelCoreFactory>, IDisposable
{
    private readonly KestrelCoreFactory _core = core;
    private readonly string _data = Directory.CreateTempSubdirectory("socme-node-enroll-").FullName;
    private readonly string _ssh = Directory.CreateTempSubdirectory("socme-node-ssh-").FullName;

    public void Dispose()
    {
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_ssh, recursive: true);
    }

    [Fact]
    public async Task Enroll_StoresTheToken0600_PinsHostKeys_AndTheTokenShips()
    {
        var admin = await _core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var node = await admin.CreateNodeAsync(client.Id, new CreateNodeRequest("site-1"));
        await File.WriteAllTextAsync(Path.Combine(_ssh, "ssh_host_ed25519_key.pub"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyOne root@site-1\n");
        await File.WriteAllTextAsync(Path.Combine(_ssh, "ssh_host_ed25519_key"), "PRIVATE KEY MUST NOT BE SENT");
        var enroller = new Enroller(TimeProvider.System) { SshDir = _ssh };

        var result = await enroller.EnrollAsync(admin.Http.BaseAddress!.ToString(), node.EnrollmentCode, _data, CancellationToken.None);

        Assert.True(result.Ok, result.Message);
        var store = new TokenStore(_data);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        var pinned = await admin.GetNodeAsync(node.Id);
        Assert.Equal(["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyOne root@site-1"], pinned.SshHostKeys);
        Assert.Equal(node.Id, EnrollmentRecord.TryRead(_data)!.NodeId);
        Assert.Equal(1, (await _core.As(store.Read()!).IngestAsync(Envelopes.UniqueWazuh(1))).Accepted);
    }

    [Fact]
    public async Task Enroll_WithABadCode_SaysWhatWentWrong_AndStoresNothing()
    {
        var enroller = new Enroller(TimeProvider.System) { SshDir = _ssh };

        var bad = await enroller.EnrollAsync(_core.CreateClient().BaseAddress!.ToString(), "SOCME-WRONG", _data, CancellationToken.None);
        var unreachable = await enroller.EnrollAsync("http://127.0.0.1:9/", "SOCME-X", _data, CancellationToken.None);
        var notUrl = await enroller.EnrollAsync("core.example", "SOCME-X", _data, CancellationToken.None);

        Assert.False(bad.Ok);
        Assert.Contains("unknown, already used or expired", bad.Message, StringComparison.Ordinal);
        Assert.False(unreachable.Ok);
        Assert.Contains("Cannot reach the core", unreachable.Message, StringComparison.Ordinal);
        Assert.False(notUrl.Ok);
        Assert.Null(new TokenStore(_data).Read());
    }
}
