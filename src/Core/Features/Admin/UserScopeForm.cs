using Socme.Client;

namespace Socme.Core.Features.Admin;

/// <summary>The role and client-scope fields of the create and edit forms (<c>_UserScope</c>).</summary>
internal sealed record UserScopeForm(IReadOnlyList<ClientDto> Clients, string Role, Guid? ClientId, bool AllClients, IReadOnlyList<Guid> Scope);
