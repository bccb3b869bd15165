namespace Socme.Core.Web;

/// <summary>
/// The console's strings: views write English text (<c>@T["Sign in"]</c>) and <c>Ui.fr.resx</c> beside this
/// class holds the French. A missing translation shows the English text; <c>ConsoleLocalizationTests</c> fails
/// when a view uses a string that has no French entry. <c>Ui.resx</c> (English) only names the wire values a view
/// shows as they are (<c>true_positive</c> → "true positive").
/// </summary>
public sealed class Ui
{
    private Ui()
    {
    }
}
