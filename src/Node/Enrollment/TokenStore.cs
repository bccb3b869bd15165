using System.Text;

namespace Socme.Node.Enrollment;

/// <summary>
/// The node token in <c>DataDir/token</c>, readable by its owner only (0600). Written atomically; the shipper
/// re-reads it after a 401 so that replacing the file resumes shipping without a restart.
/// </summary>
public sealed class TokenStore(string dataDir)
{
    public string FilePath { get; } = Path.Combine(dataDir, "token");

    public string? Read()
    {
        try
        {
            var t = File.ReadAllText(FilePath, Encoding.UTF8).Trim();
            return t.Length == 0 ? null : t;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The file's last write time, to notice a replaced token.</summary>
    public DateTime? Stamp() => File.Exists(FilePath) ? File.GetLastWriteTimeUtc(FilePath) : null;

    public void Write(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var temp = FilePath + ".tmp";
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var fs = new FileStream(temp, options))
        {
            fs.Write(Encoding.UTF8.GetBytes(token + "\n"));
            fs.Flush(flushToDisk: true);
        }
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, FilePath, overwrite: true);
    }
}
