using Microsoft.AspNetCore.Http.HttpResults;
using Socme.Client;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Clients;

internal static class ClientEndpoints
{
    public static IServiceCollection AddClients(this IServiceCollection services) => services.AddScoped<ClientService>();

    public static RouteGroupBuilder MapClientEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/clients").WithTags("Clients");
        g.MapPost("/", async Task<Created<ClientDto>> (CreateClientRequest body, ClientService s, CancellationToken ct) =>
        {
            var c = await s.CreateAsync(body, ct);
            return TypedResults.Created($"/api/v1/clients/{c.Id}", c);
        }).WithName("Clients_Create").RequireAuthorization(Policies.Admin);
        g.MapGet("/", (ClientService s, CancellationToken ct) => s.ListAsync(ct))
            .WithName("Clients_List").RequireAuthorization(Policies.User);
        g.MapGet("/{clientId:guid}", (Guid clientId, ClientService s, CancellationToken ct) => s.GetAsync(clientId, ct))
            .WithName("Clients_Get").RequireAuthorization(Policies.User);
        g.MapPatch("/{clientId:guid}", (Guid clientId, UpdateClientRequest body, ClientService s, CancellationToken ct) => s.UpdateAsync(clientId, body, ct))
            .WithName("Clients_Update").RequireAuthorization(Policies.Admin);
        g.MapDelete("/{clientId:guid}", (Guid clientId, bool? force, ClientService s, CancellationToken ct) => s.DeleteAsync(clientId, force ?? false, ct))
            .WithName("Clients_Delete").RequireAuthorization(Policies.Admin);

        g.MapGet("/{clientId:guid}/contacts", (Guid clientId, ClientService s, CancellationToken ct) => s.ListContactsAsync(clientId, ct))
            .WithName("Clients_ListContacts").RequireAuthorization(Policies.User);
        g.MapPost("/{clientId:guid}/contacts", async Task<Created<ClientContactDto>> (Guid clientId, CreateClientContactRequest body, ClientService s, CancellationToken ct) =>
        {
            var c = await s.CreateContactAsync(clientId, body, ct);
            return TypedResults.Created($"/api/v1/clients/{clientId}/contacts/{c.Id}", c);
        }).WithName("Clients_CreateContact").RequireAuthorization(Policies.Admin);
        g.MapPatch("/{clientId:guid}/contacts/{contactId:guid}", (Guid clientId, Guid contactId, UpdateClientContactRequest body, ClientService s, CancellationToken ct) =>
                s.UpdateContactAsync(clientId, contactId, body, ct))
            .WithName("Clients_UpdateContact").RequireAuthorization(Policies.Admin);
        g.MapDelete("/{clientId:guid}/contacts/{contactId:guid}", async Task<NoContent> (Guid clientId, Guid contactId, ClientService s, CancellationToken ct) =>
        {
            await s.DeleteContactAsync(clientId, contactId, ct);
            return TypedResults.NoContent();
        }).WithName("Clients_DeleteContact").RequireAuthorization(Policies.Admin);
        return api;
    }
}
