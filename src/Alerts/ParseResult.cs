namespace Socme.Alerts;

/// <summary>Why a line could not be turned into an alert.</summary>
public enum ParseErrorCode
{
    /// <summary>Empty or whitespace-only input.</summary>
    Empty,
    /// <summary>Not valid UTF-8.</summary>
    InvalidUtf8,
    /// <summary>Not JSON, or JSON cut short.</summary>
    InvalidJson,
    /// <summary>JSON, but not an object of the expected shape (missing or wrongly typed required fields).</summary>
    WrongShape,
    /// <summary>Longer than the parser's maximum line length.</summary>
    TooLong,
    /// <summary>Nested deeper than the parser allows.</summary>
    TooDeep,
}

/// <summary>The outcome of parsing one line: an alert, a recognised non-alert event, or a typed error.</summary>
public readonly record struct ParseResult
{
    public NormalizedAlert? Alert { get; private init; }

    /// <summary>For a Suricata event that is not an alert: its <c>event_type</c> (dns, flow, http, ...).</summary>
    public string? NonAlertEventType { get; private init; }

    public ParseErrorCode? Error { get; private init; }
    public string? ErrorMessage { get; private init; }

    public bool IsAlert => Alert is not null;
    public bool IsNonAlert => NonAlertEventType is not null;
    public bool IsError => Error is not null;

    public static ParseResult Success(NormalizedAlert alert) => new() { Alert = alert };
    public static ParseResult NotAnAlert(string eventType) => new() { NonAlertEventType = eventType };
    public static ParseResult Fail(ParseErrorCode code, string message) => new() { Error = code, ErrorMessage = message };
}
