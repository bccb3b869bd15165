using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Socme.Core.Infrastructure;

/// <summary>Maps exceptions to ProblemDetails with a stable <c>code</c>; never leaks internals.</summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case ApiException api:
                problem = api.Errors is { } errors
                    ? new HttpValidationProblemDetails(errors) { Status = api.Status, Detail = api.Message }
                    : new ProblemDetails { Status = api.Status, Detail = api.Message };
                problem.Extensions["code"] = api.Code;
                break;
            case BadHttpRequestException bad:
                problem = new ProblemDetails { Status = bad.StatusCode, Detail = bad.Message };
                problem.Extensions["code"] = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "payload_too_large" : "malformed_request";
                break;
            default:
                log.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
                problem = new ProblemDetails { Status = 500, Detail = "An internal error occurred; it has been logged." };
                problem.Extensions["code"] = "internal_error";
                break;
        }
        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
