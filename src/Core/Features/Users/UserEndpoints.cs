using Microsoft.AspNetCore.Http.HttpResults;
using Socme.Client;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Users;

internal static class UserEndpoints
{
    public static IServiceCollection AddUsers(this IServiceCollection services) => services.AddScoped<UserService>();

    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.Admin);
        g.MapPost("/", async Task<Created<CreatedUserDto>> (CreateUserRequest body, UserService s, CancellationToken ct) =>
        {
            var u = await s.CreateAsync(body, ct);
            return TypedResults.Created($"/api/v1/users/{u.User.Id}", u);
        }).WithName("Users_Create");
        g.MapGet("/", (UserService s, CancellationToken ct) => s.ListAsync(ct)).WithName("Users_List");
        g.MapGet("/{userId:guid}", (Guid userId, UserService s, CancellationToken ct) => s.GetAsync(userId, ct)).WithName("Users_Get");
        g.MapPatch("/{userId:guid}", (Guid userId, UpdateUserRequest body, UserService s, CancellationToken ct) => s.UpdateAsync(userId, body, ct))
            .WithName("Users_Update");

        var me = api.MapGroup("/me").WithTags("Me").RequireAuthorization(Policies.User);
        me.MapGet("/", (UserService s, CancellationToken ct) => s.MeAsync(ct)).WithName("Me_Get");
        me.MapGet("/tokens", (UserService s, CancellationToken ct) => s.ListTokensAsync(ct)).WithName("Me_ListTokens");
        me.MapPost("/tokens", async Task<Created<CreatedApiTokenDto>> (CreateApiTokenRequest body, UserService s, CancellationToken ct) =>
        {
            var t = await s.CreateTokenAsync(body, ct);
            return TypedResults.Created("/api/v1/me/tokens", t);
        }).WithName("Me_CreateToken");
        me.MapDelete("/tokens/{tokenId:guid}", async Task<NoContent> (Guid tokenId, UserService s, CancellationToken ct) =>
        {
            await s.RevokeTokenAsync(tokenId, ct);
            return TypedResults.NoContent();
        }).WithName("Me_RevokeToken");
        return api;
    }
}
