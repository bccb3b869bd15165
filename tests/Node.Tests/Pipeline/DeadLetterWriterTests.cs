using System.Text;
using System.Text.Json;
using Socme.Node.DeadLetters;
using Socme.Node.Status;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

public sealed class DeadLetterWriterTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 7, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DeadLetter Letter(byte[] line, int bound = 64 * 1024) =>
        DeadLetter.Create(Now, "wazuh:/var/ossec/logs/alerts/alerts.json", new FilePosition(2049, 77, 1234), "invalid_json", "The line is not valid JSON.", line, line.Length, bound);

    private IReadOnlyList<JsonElement> Entries() =>
        [.. File.ReadAllLines(_dir[DeadLetterWriter.FileName]).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    [Fact]
    public void Write_AppendsOneJsonObjectPerLine_WithWhereAndWhy()
    {
        using var writer = new DeadLetterWriter(_dir.Path);

        writer.Write([Letter("{\"rule\":"u8.ToArray())]);
        writer.Write([Letter("second"u8.ToArray()), Letter("third"u8.ToArray())]);

        var entries = Entries();
        Assert.Equal(3, entries.Count);
        Assert.Equal(3, writer.Count);
        var e = entries[0];
        Assert.Equal(Now, e.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("wazuh:/var/ossec/logs/alerts/alerts.json", e.GetProperty("source").GetString());
        Assert.Equal(77UL, e.GetProperty("position").GetProperty("inode").GetUInt64());
        Assert.Equal(1234, e.GetProperty("position").GetProperty("offset").GetInt64());
        Assert.Equal("invalid_json", e.GetProperty("code").GetString());
        Assert.Equal("The line is not valid JSON.", e.GetProperty("reason").GetString());
        Assert.Equal("{\"rule\":", e.GetProperty("line").GetString());
        Assert.False(e.GetProperty("truncated").GetBoolean());
        Assert.Equal(["{\"rule\":", "second", "third"], entries.Select(x => x.GetProperty("line").GetString()));
    }

    [Fact]
    public void ALineThatIsNotUtf8_IsKeptAsBase64()
    {
        using var writer = new DeadLetterWriter(_dir.Path);
        byte[] line = [0x7B, 0xFF, 0xFE, 0x7D];

        writer.Write([Letter(line)]);

        var e = Assert.Single(Entries());
        Assert.False(e.TryGetProperty("line", out _));
        Assert.Equal(line, e.GetProperty("lineBase64").GetBytesFromBase64());
    }

    [Fact]
    public void AHugeLine_IsCutToTheBound_AtACharacterBoundary()
    {
        using var writer = new DeadLetterWriter(_dir.Path, maxStoredLineBytes: 11);
        // "aaaaaaaa" + "é" (2 bytes) + "é": the bound falls inside the second "é".
        var line = Encoding.UTF8.GetBytes("aaaaaaaaéé" + new string('b', 100));

        writer.Write([Letter(line)]);

        var e = Assert.Single(Entries());
        Assert.Equal("aaaaaaaaé", e.GetProperty("line").GetString());
        Assert.True(e.GetProperty("truncated").GetBoolean());
        Assert.Equal(line.Length, e.GetProperty("length").GetInt64());
    }

    [Fact]
    public void PastItsSizeBound_TheFileIsRenamedAndStartedAgain()
    {
        using var writer = new DeadLetterWriter(_dir.Path, maxFileBytes: 300);
        for (var i = 0; i < 5; i++)
        {
            writer.Write([Letter(Encoding.UTF8.GetBytes($"line {i} " + new string('x', 200)))]);
        }

        Assert.StartsWith("line 4 ", Assert.Single(Entries()).GetProperty("line").GetString(), StringComparison.Ordinal);
        var previous = File.ReadAllLines(_dir[DeadLetterWriter.PreviousFileName]);
        Assert.Contains("line 3 ", Assert.Single(previous), StringComparison.Ordinal);
        Assert.Equal(5, writer.Count);
    }
}
