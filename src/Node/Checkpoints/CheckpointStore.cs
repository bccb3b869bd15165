using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Socme.Node.Status;

namespace Socme.Node.Checkpoints;

/// <summary>The first <see cref="Length"/> bytes of a file and their CRC-32C: tells the file a checkpoint was taken on
/// from another file that got the same inode number after the first was deleted.</summary>
public readonly record struct FileHead(int Length, uint Crc)
{
    /// <summary>How many leading bytes are fingerprinted at most.</summary>
    public const int MaxLength = 1024;
}

/// <summary>One source's checkpoint file (<c>DataDir/checkpoints/&lt;source&gt;.json</c>).</summary>
/// <remarks>
/// <see cref="Spooled"/>: every line before it is durably in the spool, the dead-letter file, or was filtered out;
/// the reader resumes there after a restart. <see cref="Acked"/>: every line before it has been acknowledged by the
/// core (or filtered out, or dead-lettered); it only moves after the core's answer. Offsets are byte offsets just
/// after a line's newline.
/// </remarks>
public sealed record SourceCheckpoint
{
    public int Version { get; init; } = 1;
    public required string SourceId { get; init; }

    /// <summary>The configured live path when the checkpoint was written: a different path means a new source.</summary>
    public required string Path { get; init; }

    /// <summary>Where the file of <see cref="Spooled"/> was last opened (the live path, or an archive after a restart).</summary>
    public string? File { get; init; }

    public FilePosition? Spooled { get; init; }
    public FileHead? SpooledHead { get; init; }
    public FilePosition? Acked { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Reads and atomically writes per-source checkpoint files.</summary>
internal sealed class CheckpointStore
{
    public CheckpointStore(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    /// <summary>A file name safe for any source id: its readable characters plus a short hash against collisions.</summary>
    public static string FileNameFor(string sourceId)
    {
        ArgumentNullException.ThrowIfNull(sourceId);
        var readable = new StringBuilder(Math.Min(sourceId.Length, 60));
        foreach (var c in sourceId)
        {
            if (readable.Length >= 60)
            {
                break;
            }
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_');
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sourceId)).AsSpan(0, 4));
        return $"{readable.ToString().Trim('_', '.')}-{hash}.json";
    }

    public string PathFor(string sourceId) => System.IO.Path.Combine(Directory, FileNameFor(sourceId));

    /// <summary>The checkpoint of a source, null when there is none; a damaged file gives null and a problem.</summary>
    public SourceCheckpoint? Load(string sourceId, out string? problem)
    {
        problem = null;
        var path = PathFor(sourceId);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        try
        {
            var cp = JsonSerializer.Deserialize(bytes, NodeJson.Default.SourceCheckpoint);
            if (cp is null || cp.SourceId != sourceId)
            {
                problem = $"{path} belongs to another source ('{cp?.SourceId}').";
                return null;
            }
            return cp;
        }
        catch (JsonException e)
        {
            problem = $"{path} is not a valid checkpoint: {e.Message}";
            return null;
        }
    }

    /// <summary>Atomically replaces the source's checkpoint (temp file, fsync, rename, fsync the directory).</summary>
    /// <exception cref="IOException">The write failed (e.g. a full disk); the previous checkpoint is intact.</exception>
    public void Save(SourceCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var path = PathFor(checkpoint.SourceId);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(checkpoint, NodeJson.Default.SourceCheckpoint);
        try
        {
            AtomicFile.Write(path, bytes);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot write the checkpoint {path} ({e.Message}); the previous checkpoint is kept.", e);
        }
    }
}
