using System.Net;

namespace Socme.Client;

/// <summary>A non-success answer of the SOCme API, with its ProblemDetails <c>code</c> and the body.</summary>
public sealed class SocmeApiException : Exception
{
    public SocmeApiException(HttpStatusCode statusCode, string? code, string body, TimeSpan? retryAfter = null)
        : base($"SOCme API answered {(int)statusCode} {statusCode}{(code is null ? "" : $" ({code})")}: {body}")
    {
        StatusCode = statusCode;
        Code = code;
        Body = body;
        RetryAfter = retryAfter;
    }

    public SocmeApiException() : this(HttpStatusCode.InternalServerError, null, "") { }

    public SocmeApiException(string message) : base(message) { Body = ""; }

    public SocmeApiException(string message, Exception innerException) : base(message, innerException) { Body = ""; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The stable error code from the ProblemDetails body, when there is one.</summary>
    public string? Code { get; }

    public string Body { get; }

    public TimeSpan? RetryAfter { get; }
}
