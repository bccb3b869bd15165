using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>Fails when any endpoint has neither an authorization policy nor an explicit anonymous marker.</summary>
public sealed class AuthorizationMetadataTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    private static readonly HashSet<string> ExpectedAnonymous = new(StringComparer.Ordinal)
    {
        "POST /api/v1/nodes/enroll",
        "POST /api/v1/auth/token",
        "GET /openapi/{documentName}.json",
        "GET /healthz",
        // The console's sign-in steps and the language/theme choice of the sign-in page (Features/Account/Public).
        "ANY /account/sign-in",
        "ANY /account/sign-in/code",
        "ANY /account/{handler:regex(^(language|theme)$)}",
    };

    [Fact]
    public void EveryEndpoint_HasAPolicyOrIsExplicitlyAnonymous()
    {
        var endpoints = core.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 20, $"Only {endpoints.Count} endpoints found: the test would prove nothing.");

        var unprotected = new List<string>();
        var anonymous = new List<string>();
        foreach (var e in endpoints)
        {
            var name = Describe(e);
            var isAnonymous = e.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var authorize = e.Metadata.GetOrderedMetadata<IAuthorizeData>();
            if (isAnonymous)
            {
                anonymous.Add(name);
            }
            else if (authorize.Count == 0 || authorize.All(a => string.IsNullOrEmpty(a.Policy) && string.IsNullOrEmpty(a.Roles)))
            {
                unprotected.Add(name);
            }
        }

        Assert.True(unprotected.Count == 0, "Endpoints without a policy: " + string.Join(", ", unprotected));
        Assert.Equal(ExpectedAnonymous.OrderBy(x => x), anonymous.Distinct().OrderBy(x => x));
    }

    private static string Describe(RouteEndpoint e)
    {
        var methods = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
        var method = methods is { Count: > 0 } ? methods[0] : "ANY";
        return $"{method} /{e.RoutePattern.RawText?.TrimStart('/')}".Replace("//", "/", StringComparison.Ordinal);
    }
}
