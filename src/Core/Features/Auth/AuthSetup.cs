using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Socme.Core.Data;
using Socme.Core.Data.Identity;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Auth;

/// <summary>Authentication (bearer tokens, ASP.NET Core Identity for users) and the authorization policies.</summary>
internal static class AuthSetup
{
    public static IServiceCollection AddSocmeAuth(this IServiceCollection services)
    {
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.User, p => p.RequireClaim(SocmeClaims.Kind, SocmeClaims.KindUser))
            .AddPolicy(Policies.Staff, p => p.RequireClaim(SocmeClaims.Kind, SocmeClaims.KindUser)
                .RequireClaim(SocmeClaims.Role, nameof(UserRole.Admin), nameof(UserRole.Analyst)))
            .AddPolicy(Policies.Admin, p => p.RequireClaim(SocmeClaims.Kind, SocmeClaims.KindUser)
                .RequireClaim(SocmeClaims.Role, nameof(UserRole.Admin)))
            .AddPolicy(Policies.Node, p => p.RequireClaim(SocmeClaims.Kind, SocmeClaims.KindNode));

        services.AddIdentityCore<User>(o =>
            {
                // Length over composition (NIST SP 800-63B); placeholders and the user's own email are refused.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<SocmeDbContext>()
            .AddPasswordValidator<PlaceholderPasswordValidator>();

        services.AddPerAddressRateLimit(LoginEndpoints.LoginRateLimit,
            sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Nodes.FleetOptions>>().Value.EnrollmentAttemptsPerMinute);
        services.AddHttpContextAccessor();
        services.AddScoped(sp => TenantScope.From(sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.User ?? new()));
        return services;
    }
}

/// <summary>Refuses well-known placeholder passwords and a password equal to the email.</summary>
internal sealed class PlaceholderPasswordValidator : IPasswordValidator<User>
{
    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Infrastructure.Secrets.IsPlaceholder(password)
            || string.Equals(password, user.Email, StringComparison.OrdinalIgnoreCase)
            || (password is not null && user.Email is not null && password.Contains(user.Email.Split('@')[0], StringComparison.OrdinalIgnoreCase) && user.Email.Split('@')[0].Length >= 4))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordIsPlaceholder",
                Description = "This password is a well-known default or contains the user's name; choose another.",
            }));
        }
        return Task.FromResult(IdentityResult.Success);
    }
}
