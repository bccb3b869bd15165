using System.Text;

namespace Socme.Integrations.Tests.Support;

/// <summary>
/// The shared alert corpus (<c>&lt;repo root&gt;/../shared/corpus</c>, see its PROVENANCE.md), read in place: lines are
/// never copied into the repository. <c>SOCME_CORPUS</c> overrides the location (as in tests/Alerts.Tests).
/// </summary>
internal static class Corpus
{
    private static readonly Lazy<string> LazyDirectory = new(FindDirectory);

    public static string Directory => LazyDirectory.Value;

    public static string Wazuh(string file) => Path.Combine(Directory, "wazuh", file);

    public static string Suricata(string file) => Path.Combine(Directory, "suricata", file);

    public static IEnumerable<string> AllFiles() =>
        System.IO.Directory.GetFiles(Path.Combine(Directory, "wazuh"), "*.json")
            .Concat(System.IO.Directory.GetFiles(Path.Combine(Directory, "suricata"), "*.json"))
            .Order(StringComparer.Ordinal);

    /// <summary>Line <paramref name="number"/> (1-based) of a corpus file, without its newline.</summary>
    public static string Line(string path, int number)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        for (var i = 1; reader.ReadLine() is { } line; i++)
        {
            if (i == number)
            {
                return line;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(number), $"{path} has fewer than {number} lines");
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
