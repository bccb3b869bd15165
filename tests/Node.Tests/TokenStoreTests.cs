using Socme.Node.Enrollment;

namespace Socme.Node.Tests;

public sealed class TokenStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("socme-node-token-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_StoresTheTokenOwnerOnly_AndReadReturnsIt()
    {
        var store = new TokenStore(_dir);

        store.Write("socme_node_abc");

        Assert.Equal("socme_node_abc", store.Read());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        Assert.False(File.Exists(store.FilePath + ".tmp"));
    }

    [Fact]
    public void Read_WithoutAFile_IsNull() => Assert.Null(new TokenStore(Path.Combine(_dir, "missing")).Read());
}
