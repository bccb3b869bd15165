using Microsoft.AspNetCore.Http.HttpResults;
using Socme.Client;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Screen;

/// <summary><c>/api/v1/screen-tokens</c> (admin): create, list and revoke the wall screens' tokens.</summary>
internal static class ScreenTokenEndpoints
{
    public static RouteGroupBuilder MapScreenTokenEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/screen-tokens").WithTags("Screen tokens").RequireAuthorization(Policies.Admin);
        g.MapPost("/", async Task<Created<CreatedScreenTokenDto>> (CreateScreenTokenRequest body, ScreenTokenService s, CancellationToken ct) =>
        {
            var created = await s.CreateAsync(body, ct);
            return TypedResults.Created($"/api/v1/screen-tokens/{created.Info.Id}", created);
        }).WithName("ScreenTokens_Create");
        g.MapGet("/", (ScreenTokenService s, CancellationToken ct) => s.ListAsync(ct)).WithName("ScreenTokens_List");
        g.MapDelete("/{tokenId:guid}", async Task<NoContent> (Guid tokenId, ScreenTokenService s, CancellationToken ct) =>
        {
            await s.RevokeAsync(tokenId, ct);
            return TypedResults.NoContent();
        }).WithName("ScreenTokens_Revoke");
        return api;
    }
}
