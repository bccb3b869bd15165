using System.Text.RegularExpressions;
using System.Xml.Linq;
using Socme.Core.Web;

namespace Socme.Core.Tests.Console;

/// <summary>Every English string the console shows has a French translation in <c>src/Core/Web/Ui.fr.resx</c>.</summary>
public sealed partial class ConsoleLocalizationTests
{
    /// <summary>Keys the views build at run time: wire values through <c>UiText</c>, and a few titles.</summary>
    private static IEnumerable<string> DynamicKeys() =>
        UiText.Bands.Select(v => "band." + v)
            .Concat(UiText.Statuses.Select(v => "status." + v))
            .Concat(UiText.Verdicts.Select(v => "verdict." + v))
            .Concat(UiText.Roles.Select(v => "role." + v))
            .Concat(UiText.Fields.Select(v => "field." + v))
            .Concat(["Same rule", "Same source", "Same agent", "Last 1h", "Last 24h", "Last 7d", "Last 30d"]);

    [Fact]
    public void Every_string_of_the_views_and_page_messages_has_a_French_translation()
    {
        var root = FindRoot();
        var french = XDocument.Load(Path.Combine(root, "src/Core/Web/Ui.fr.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src/Core/Features"), "*.cshtml", SearchOption.AllDirectories))
        {
            foreach (Match m in ViewKey().Matches(File.ReadAllText(file)))
            {
                used.Add(m.Groups[1].Value);
            }
        }
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src/Core/Features"), "*.cshtml.cs", SearchOption.AllDirectories))
        {
            foreach (Match m in MessageKey().Matches(File.ReadAllText(file)))
            {
                used.Add(m.Groups[1].Value);
            }
        }
        used.UnionWith(DynamicKeys());
        Assert.True(used.Count > 100, $"Only {used.Count} strings found: is the scan looking at the right folder?");
        var duplicates = french.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => string.Join(" / ", g)).ToList();
        Assert.True(duplicates.Count == 0, "Resource names differing only by case (one of each is ignored at build): " + string.Join(", ", duplicates));
        var missing = used.Where(k => !french.TryGetValue(k, out var v) || string.IsNullOrWhiteSpace(v)).ToList();
        Assert.True(missing.Count == 0, "No French for:\n" + string.Join("\n", missing));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SOCme.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (SOCme.slnx) is not above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("""T\["((?:[^"\\]|\\.)+)"\]""")]
    private static partial Regex ViewKey();

    /// <summary>Messages a page model sets for the view to translate (<c>Error = "…"</c>, <c>Message = "…"</c>).</summary>
    [GeneratedRegex("""\b(?:Error|Message|Notice) = "([^"]+)";""")]
    private static partial Regex MessageKey();
}
