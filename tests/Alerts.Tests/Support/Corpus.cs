namespace Socme.Alerts.Tests.Support;

/// <summary>One line of a corpus file, with its 1-based line number.</summary>
internal sealed record CorpusLine(string File, int Number, byte[] Bytes)
{
    public override string ToString() => $"{File}:{Number}";
}

/// <summary>
/// The shared alert corpus (<c>&lt;repo root&gt;/../shared/corpus</c>, see its PROVENANCE.md), read in place: the
/// files are never copied into the repository. <c>SOCME_CORPUS</c> overrides the location.
/// </summary>
internal static class Corpus
{
    private static readonly Lazy<string> LazyDirectory = new(FindDirectory);

    public static string Directory => LazyDirectory.Value;

    public static string WazuhDirectory => Path.Combine(Directory, "wazuh");

    public static string SuricataDirectory => Path.Combine(Directory, "suricata");

    public const string WazuhReal = "wazuh-qa-real-alerts.json";
    public const string WazuhGenerated = "wazuh-dashboard-plugins-v4.14.7-generated-sample-alerts.json";

    public static IReadOnlyList<string> WazuhFiles() => ListJson(WazuhDirectory);

    public static IReadOnlyList<string> SuricataFiles() => ListJson(SuricataDirectory);

    public static string PathOf(AlertSource source, string fileName) =>
        Path.Combine(source == AlertSource.Wazuh ? WazuhDirectory : SuricataDirectory, fileName);

    /// <summary>The lines of a corpus file, split on <c>\n</c> (a final empty piece is not a line).</summary>
    public static IReadOnlyList<CorpusLine> Lines(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Path.GetFileName(path);
        var lines = new List<CorpusLine>();
        var start = 0;
        var number = 0;
        while (start < bytes.Length)
        {
            var newline = Array.IndexOf(bytes, (byte)'\n', start);
            var end = newline < 0 ? bytes.Length : newline;
            number++;
            lines.Add(new CorpusLine(name, number, bytes[start..end]));
            start = end + 1;
        }
        return lines;
    }

    public static CorpusLine Line(AlertSource source, string fileName, int number)
    {
        var lines = Lines(PathOf(source, fileName));
        return lines[number - 1];
    }

    private static List<string> ListJson(string directory)
    {
        var files = System.IO.Directory.GetFiles(directory, "*.json").ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static string FindDirectory()
    {
        var overridden = Environment.GetEnvironmentVariable("SOCME_CORPUS");
        if (!string.IsNullOrEmpty(overridden))
        {
            return System.IO.Directory.Exists(overridden)
                ? Path.GetFullPath(overridden)
                : throw new DirectoryNotFoundException($"SOCME_CORPUS points to '{overridden}', which does not exist.");
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SOCme.slnx")))
            {
                var besideRepo = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus"));
                if (System.IO.Directory.Exists(besideRepo))
                {
                    return besideRepo;
                }
            }
            var inside = Path.Combine(dir.FullName, "shared", "corpus");
            if (System.IO.Directory.Exists(inside))
            {
                return inside;
            }
        }
        throw new DirectoryNotFoundException(
            "The alert corpus was not found: expected <repo root>/../shared/corpus (the repo root holds SOCme.slnx). " +
            "Set SOCME_CORPUS to its path.");
    }
}

/// <summary>Locations inside this repository, found by walking up to <c>SOCme.slnx</c>.</summary>
internal static class RepoPaths
{
    public static string? RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SOCme.slnx")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
