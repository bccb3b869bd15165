using System.Net;
using Socme.Client;

namespace Socme.Core.Tests.Infrastructure;

/// <summary>Asserts an API failure's status and code, printing the body when it differs.</summary>
public static class ApiAssert
{
    public static async Task<SocmeApiException> FailsAsync(HttpStatusCode status, Func<Task> call, string? code = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call();
        }
        catch (SocmeApiException e)
        {
            Assert.True(e.StatusCode == status, $"Expected {(int)status}, got {(int)e.StatusCode}: {e.Body}");
            if (code is not null)
            {
                Assert.True(e.Code == code, $"Expected code '{code}', got '{e.Code}': {e.Body}");
            }
            return e;
        }
        Assert.Fail($"Expected {(int)status} {status}, but the call succeeded.");
        return null!;
    }
}
