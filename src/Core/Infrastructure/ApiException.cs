using System.Diagnostics.CodeAnalysis;

namespace Socme.Core.Infrastructure;

/// <summary>
/// An error a feature service reports to the API caller. <see cref="ApiExceptionHandler"/> turns it into
/// an RFC 7807 ProblemDetails with a stable <see cref="Code"/>.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException(int status, string code, string detail, IDictionary<string, string[]>? errors = null)
        : base(detail)
    {
        Status = status;
        Code = code;
        Errors = errors;
    }

    public ApiException() : this(500, "internal_error", "Internal error.") { }
    public ApiException(string message) : this(500, "internal_error", message) { }
    public ApiException(string message, Exception innerException) : base(message, innerException) { Status = 500; Code = "internal_error"; }

    public int Status { get; }
    public string Code { get; }
    public IDictionary<string, string[]>? Errors { get; }

    public static ApiException NotFound(string what) => new(404, "not_found", $"{what} not found.");
    public static ApiException Conflict(string code, string detail) => new(409, code, detail);
    public static ApiException Forbidden(string code, string detail) => new(403, code, detail);
    public static ApiException BadRequest(string code, string detail) => new(400, code, detail);

    public static ApiException Validation(string field, string message) =>
        new(422, "validation_failed", "One or more fields are invalid.", new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Throws a 404 when <paramref name="value"/> is null (also used for another tenant's resource).</summary>
    public static T OrNotFound<T>([NotNull] T? value, string what) where T : class =>
        value ?? throw NotFound(what);
}
