using Socme.Client;

namespace Socme.Core.Features.Alerts;

/// <summary>The console's triage buttons (inbox bulk bar, alert detail) as the update each one asks for.</summary>
internal static class TriageAction
{
    /// <summary>
    /// The update of a shared triage action, or null for an action this does not name (the caller's own, such as tags,
    /// or none). <paramref name="verdict"/> and <paramref name="verdictReason"/> go with <c>close</c>, as given.
    /// </summary>
    public static AlertUpdateRequest? Update(string? action, Guid? me, string? verdict = null, string? verdictReason = null) => action switch
    {
        "acknowledge" => new AlertUpdateRequest { Status = "acknowledged" },
        "in_progress" => new AlertUpdateRequest { Status = "in_progress" },
        "escalate" => new AlertUpdateRequest { Status = "escalated" },
        "reopen" => new AlertUpdateRequest { Status = "new", ClearVerdict = true },
        "close" => new AlertUpdateRequest { Status = "closed", Verdict = verdict, VerdictReason = verdictReason },
        "assign_me" => new AlertUpdateRequest { AssigneeId = me },
        "unassign" => new AlertUpdateRequest { ClearAssignee = true },
        _ => null,
    };
}
