using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Socme.Client;

/// <summary>Typed client of the SOCme REST API (<c>/api/v1</c>).</summary>
/// <remarks>
/// Every non-success answer throws <see cref="SocmeApiException"/> carrying the status, the ProblemDetails
/// <c>code</c> and the body, so a failing test or CLI call shows what the server said.
/// </remarks>
/// <param name="http">The client, its base address the core's.</param>
/// <param name="json">The JSON options (default <see cref="JsonOptions"/>); a program built with Native AOT passes options whose
/// resolver is a source-generated context holding every type it calls the API with (the node agent's <c>NodeJson</c>).</param>
public sealed class SocmeClient(HttpClient http, JsonSerializerOptions? json = null)
{
    /// <summary>The JSON options of the wire format (camelCase, enums as strings, nulls omitted).</summary>
    public static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    private readonly JsonSerializerOptions _json = json ?? JsonOptions;

    public HttpClient Http { get; } = http ?? throw new ArgumentNullException(nameof(http));

    /// <summary>Sets the bearer token (a personal API token or a node token) for every following call.</summary>
    public SocmeClient WithToken(string? token)
    {
        Http.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return this;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only when reflection-based JSON is enabled (the feature switch is false, and the branch trimmed away, in a Native AOT build).")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only when reflection-based JSON is enabled (the feature switch is false, and the branch trimmed away, in a Native AOT build).")]
    public static JsonSerializerOptions CreateJsonOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            // Under the JIT every DTO by reflection; a Native AOT program passes its own source-generated options.
            o.TypeInfoResolver = new DefaultJsonTypeInfoResolver();
        }
        return o;
    }

    // ---- clients ----
    public Task<ClientDto> CreateClientAsync(CreateClientRequest request, CancellationToken ct = default) => PostAsync<ClientDto>("api/v1/clients", request, ct);
    public Task<IReadOnlyList<ClientDto>> ListClientsAsync(CancellationToken ct = default) => GetAsync<IReadOnlyList<ClientDto>>("api/v1/clients", ct);
    public Task<ClientDto> GetClientAsync(Guid id, CancellationToken ct = default) => GetAsync<ClientDto>($"api/v1/clients/{id}", ct);
    public Task<ClientDto> UpdateClientAsync(Guid id, UpdateClientRequest request, CancellationToken ct = default) => SendAsync<ClientDto>(HttpMethod.Patch, $"api/v1/clients/{id}", request, ct);
    public Task<ClientDeletionDto> DeleteClientAsync(Guid id, bool force = false, CancellationToken ct = default) => SendAsync<ClientDeletionDto>(HttpMethod.Delete, $"api/v1/clients/{id}?force={(force ? "true" : "false")}", null, ct);

    // ---- client contacts ----
    public Task<IReadOnlyList<ClientContactDto>> ListClientContactsAsync(Guid clientId, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<ClientContactDto>>($"api/v1/clients/{clientId}/contacts", ct);
    public Task<ClientContactDto> CreateClientContactAsync(Guid clientId, CreateClientContactRequest request, CancellationToken ct = default) =>
        PostAsync<ClientContactDto>($"api/v1/clients/{clientId}/contacts", request, ct);
    public Task<ClientContactDto> UpdateClientContactAsync(Guid clientId, Guid contactId, UpdateClientContactRequest request, CancellationToken ct = default) =>
        SendAsync<ClientContactDto>(HttpMethod.Patch, $"api/v1/clients/{clientId}/contacts/{contactId}", request, ct);
    public Task DeleteClientContactAsync(Guid clientId, Guid contactId, CancellationToken ct = default) =>
        SendAsync<JsonElement?>(HttpMethod.Delete, $"api/v1/clients/{clientId}/contacts/{contactId}", null, ct);

    // ---- notification rules ----
    public Task<IReadOnlyList<NotificationRuleDto>> ListNotificationRulesAsync(Guid? clientId = null, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<NotificationRuleDto>>(clientId is { } c ? $"api/v1/notification-rules?clientId={c}" : "api/v1/notification-rules", ct);
    public Task<NotificationRuleDto> CreateNotificationRuleAsync(CreateNotificationRuleRequest request, CancellationToken ct = default) =>
        PostAsync<NotificationRuleDto>("api/v1/notification-rules", request, ct);
    public Task<NotificationRuleDto> GetNotificationRuleAsync(Guid id, CancellationToken ct = default) =>
        GetAsync<NotificationRuleDto>($"api/v1/notification-rules/{id}", ct);
    public Task<NotificationRuleDto> ReplaceNotificationRuleAsync(Guid id, CreateNotificationRuleRequest request, CancellationToken ct = default) =>
        SendAsync<NotificationRuleDto>(HttpMethod.Put, $"api/v1/notification-rules/{id}", request, ct);
    public Task DeleteNotificationRuleAsync(Guid id, CancellationToken ct = default) =>
        SendAsync<JsonElement?>(HttpMethod.Delete, $"api/v1/notification-rules/{id}", null, ct);
    public Task<RulePreviewDto> PreviewNotificationRuleAsync(RulePreviewRequest request, CancellationToken ct = default) =>
        PostAsync<RulePreviewDto>("api/v1/notification-rules/preview", request, ct);
    public Task<NotificationRuleDto> CreatePresetRuleAsync(string preset, CreatePresetRuleRequest request, CancellationToken ct = default) =>
        PostAsync<NotificationRuleDto>($"api/v1/notification-rules/presets/{Uri.EscapeDataString(preset)}", request, ct);

    // ---- notification channels and deliveries ----
    public Task<IReadOnlyList<ChannelKindDto>> ListChannelKindsAsync(CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<ChannelKindDto>>("api/v1/notification-channels/kinds", ct);
    public Task<IReadOnlyList<NotificationChannelDto>> ListNotificationChannelsAsync(Guid? clientId = null, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<NotificationChannelDto>>(clientId is { } c ? $"api/v1/notification-channels?clientId={c}" : "api/v1/notification-channels", ct);
    public Task<NotificationChannelDto> CreateNotificationChannelAsync(CreateNotificationChannelRequest request, CancellationToken ct = default) =>
        PostAsync<NotificationChannelDto>("api/v1/notification-channels", request, ct);
    public Task<NotificationChannelDto> GetNotificationChannelAsync(Guid id, CancellationToken ct = default) =>
        GetAsync<NotificationChannelDto>($"api/v1/notification-channels/{id}", ct);
    public Task<NotificationChannelDto> UpdateNotificationChannelAsync(Guid id, UpdateNotificationChannelRequest request, CancellationToken ct = default) =>
        SendAsync<NotificationChannelDto>(HttpMethod.Patch, $"api/v1/notification-channels/{id}", request, ct);
    public Task DeleteNotificationChannelAsync(Guid id, CancellationToken ct = default) =>
        SendAsync<JsonElement?>(HttpMethod.Delete, $"api/v1/notification-channels/{id}", null, ct);
    public Task<NotifyResultDto> TestNotificationChannelAsync(Guid id, CancellationToken ct = default) =>
        PostAsync<NotifyResultDto>($"api/v1/notification-channels/{id}/test", null, ct);
    public Task<NotificationDeliveryPage> ListDeliveriesAsync(Guid? clientId = null, string? state = null, Guid? ruleId = null, long? alertId = null,
        int? limit = null, string? cursor = null, CancellationToken ct = default)
    {
        var q = new List<string>();
        if (clientId is { } c) q.Add($"clientId={c}");
        if (state is not null) q.Add("state=" + Uri.EscapeDataString(state));
        if (ruleId is { } r) q.Add($"ruleId={r}");
        if (alertId is { } a) q.Add($"alertId={a}");
        if (limit is { } l) q.Add($"limit={l}");
        if (cursor is not null) q.Add("cursor=" + Uri.EscapeDataString(cursor));
        return GetAsync<NotificationDeliveryPage>("api/v1/notification-deliveries" + (q.Count > 0 ? "?" + string.Join('&', q) : ""), ct);
    }
    public Task<NotificationDeliveryDto> ResendDeliveryAsync(long id, CancellationToken ct = default) =>
        PostAsync<NotificationDeliveryDto>($"api/v1/notification-deliveries/{id}/resend", null, ct);
    public Task<IReadOnlyList<NotificationDeliveryDto>> EscalateAlertsAsync(IReadOnlyList<long> alertIds, CancellationToken ct = default) =>
        PostAsync<IReadOnlyList<NotificationDeliveryDto>>("api/v1/alerts/escalate", new EscalateAlertsRequest(alertIds), ct);

    // ---- nodes ----
    public Task<NodeEnrollmentDto> CreateNodeAsync(Guid clientId, CreateNodeRequest request, CancellationToken ct = default) => PostAsync<NodeEnrollmentDto>($"api/v1/clients/{clientId}/nodes", request, ct);
    public Task<IReadOnlyList<NodeDto>> ListNodesAsync(Guid? clientId = null, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<NodeDto>>(clientId is { } c ? $"api/v1/clients/{c}/nodes" : "api/v1/nodes", ct);
    public Task<NodeDto> GetNodeAsync(Guid nodeId, CancellationToken ct = default) => GetAsync<NodeDto>($"api/v1/nodes/{nodeId}", ct);
    public Task<IReadOnlyList<HeartbeatDto>> NodeHeartbeatsAsync(Guid nodeId, int? limit = null, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<HeartbeatDto>>($"api/v1/nodes/{nodeId}/heartbeats" + (limit is { } l ? $"?limit={l.ToString(CultureInfo.InvariantCulture)}" : ""), ct);
    public Task DeleteNodeAsync(Guid nodeId, CancellationToken ct = default) => SendAsync<JsonElement?>(HttpMethod.Delete, $"api/v1/nodes/{nodeId}", null, ct);
    public Task<NodeTokenDto> RotateNodeTokenAsync(Guid nodeId, CancellationToken ct = default) => PostAsync<NodeTokenDto>($"api/v1/nodes/{nodeId}/rotate-token", null, ct);
    public Task<NodeEnrollmentDto> NewEnrollmentCodeAsync(Guid nodeId, CancellationToken ct = default) => PostAsync<NodeEnrollmentDto>($"api/v1/nodes/{nodeId}/enrollment-code", null, ct);
    public Task<EnrollResponse> EnrollAsync(EnrollRequest request, CancellationToken ct = default) => PostAsync<EnrollResponse>("api/v1/nodes/enroll", request, ct);

    // ---- ingest (node token) ----

    /// <summary>Posts NDJSON lines (already serialised envelopes), optionally gzip-compressed.</summary>
    public async Task<IngestResult> IngestAsync(IEnumerable<string> ndjsonLines, bool gzip = false, string? idempotencyKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ndjsonLines);
        var sb = new StringBuilder();
        foreach (var line in ndjsonLines)
        {
            sb.Append(line).Append('\n');
        }
        return await IngestRawAsync(Encoding.UTF8.GetBytes(sb.ToString()), gzip, idempotencyKey, ct);
    }

    /// <summary>Posts an NDJSON body as bytes (uncompressed; compressed here when <paramref name="gzip"/>).</summary>
    public async Task<IngestResult> IngestRawAsync(ReadOnlyMemory<byte> ndjson, bool gzip = false, string? idempotencyKey = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/ingest/alerts");
        ByteArrayContent content;
        if (gzip)
        {
            using var ms = new MemoryStream();
            await using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            {
                await gz.WriteAsync(ndjson, ct);
            }
            content = new ByteArrayContent(ms.ToArray());
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new ByteArrayContent(ndjson.ToArray());
        }
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        request.Content = content;
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        using var response = await Http.SendAsync(request, ct);
        return await ReadAsync<IngestResult>(response, ct);
    }

    /// <summary>Serialises one ingest envelope line.</summary>
    public static string EnvelopeLine(string source, string? key, string rawJson)
    {
        ArgumentNullException.ThrowIfNull(rawJson);
        var sb = new StringBuilder(rawJson.Length + 64);
        sb.Append("{\"source\":\"").Append(JsonEncodedText.Encode(source)).Append('"');
        if (key is not null)
        {
            sb.Append(",\"key\":\"").Append(JsonEncodedText.Encode(key)).Append('"');
        }
        sb.Append(",\"raw\":").Append(rawJson).Append('}');
        return sb.ToString();
    }

    public Task<HeartbeatResult> HeartbeatAsync(NodeVitals vitals, CancellationToken ct = default) => PostAsync<HeartbeatResult>("api/v1/ingest/heartbeat", vitals, ct);

    // ---- alerts ----
    public Task<AlertPage> ListAlertsAsync(AlertFilter? filter = null, int? limit = null, string? cursor = null, CancellationToken ct = default) =>
        GetAsync<AlertPage>("api/v1/alerts" + AlertQueryString(filter, limit, cursor), ct);

    public static string AlertQueryString(AlertFilter? f, int? limit = null, string? cursor = null)
    {
        var q = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                q.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        if (f is not null)
        {
            Add("clientId", f.ClientId?.ToString());
            Add("nodeId", f.NodeId?.ToString());
            Add("source", f.Source);
            Add("band", f.Band);
            Add("minLevel", f.MinLevel?.ToString(CultureInfo.InvariantCulture));
            Add("status", f.Status);
            Add("ruleId", f.RuleId);
            Add("q", f.Q);
            Add("from", f.From?.ToString("O", CultureInfo.InvariantCulture));
            Add("to", f.To?.ToString("O", CultureInfo.InvariantCulture));
            Add("verdict", f.Verdict);
            Add("assignee", f.Assignee);
            Add("group", f.Group);
        }
        Add("limit", limit?.ToString(CultureInfo.InvariantCulture));
        Add("cursor", cursor);
        return q.Count == 0 ? "" : "?" + string.Join('&', q);
    }

    /// <summary>The grouped inbox (<c>GET /alerts/groups</c>): the same filters as the list; newest last-seen first.</summary>
    public Task<AlertGroupPage> ListAlertGroupsAsync(AlertFilter? filter = null, int? limit = null, string? cursor = null, CancellationToken ct = default) =>
        GetAsync<AlertGroupPage>("api/v1/alerts/groups" + AlertQueryString(filter, limit, cursor), ct);

    public Task<OverviewDto> GetOverviewAsync(OverviewQuery? query = null, CancellationToken ct = default)
    {
        var q = new List<string>();
        if (query?.Range is { } range) { q.Add("range=" + Uri.EscapeDataString(range)); }
        if (query?.Bucket is { } bucket) { q.Add("bucket=" + Uri.EscapeDataString(bucket)); }
        if (query?.ClientId is { } clientId) { q.Add("clientId=" + clientId); }
        if (query?.Top is { } top) { q.Add("top=" + top.ToString(CultureInfo.InvariantCulture)); }
        if (query?.Newest is { } newest) { q.Add("newest=" + newest.ToString(CultureInfo.InvariantCulture)); }
        return GetAsync<OverviewDto>("api/v1/overview" + (q.Count == 0 ? "" : "?" + string.Join('&', q)), ct);
    }

    public Task<AlertDetailDto> GetAlertAsync(long id, CancellationToken ct = default) => GetAsync<AlertDetailDto>($"api/v1/alerts/{id}", ct);
    public Task<AlertDto> UpdateAlertAsync(long id, AlertUpdateRequest update, CancellationToken ct = default) => SendAsync<AlertDto>(HttpMethod.Patch, $"api/v1/alerts/{id}", update, ct);
    public Task<AlertCommentDto> AddCommentAsync(long id, string body, CancellationToken ct = default) => PostAsync<AlertCommentDto>($"api/v1/alerts/{id}/comments", new CreateCommentRequest(body), ct);
    public Task<BulkAlertUpdateResult> BulkUpdateAlertsAsync(BulkAlertUpdateRequest request, CancellationToken ct = default) => PostAsync<BulkAlertUpdateResult>("api/v1/alerts/bulk", request, ct);

    // ---- users, tokens, audit ----
    public Task<CreatedApiTokenDto> LoginAsync(LoginRequest request, CancellationToken ct = default) => PostAsync<CreatedApiTokenDto>("api/v1/auth/token", request, ct);
    public Task<CreatedUserDto> CreateUserAsync(CreateUserRequest request, CancellationToken ct = default) => PostAsync<CreatedUserDto>("api/v1/users", request, ct);
    public Task<IReadOnlyList<UserDto>> ListUsersAsync(CancellationToken ct = default) => GetAsync<IReadOnlyList<UserDto>>("api/v1/users", ct);
    public Task<UserDto> GetUserAsync(Guid id, CancellationToken ct = default) => GetAsync<UserDto>($"api/v1/users/{id}", ct);
    public Task<UserDto> UpdateUserAsync(Guid id, UpdateUserRequest request, CancellationToken ct = default) => SendAsync<UserDto>(HttpMethod.Patch, $"api/v1/users/{id}", request, ct);
    public Task<UserDto> MeAsync(CancellationToken ct = default) => GetAsync<UserDto>("api/v1/me", ct);
    public Task<CreatedApiTokenDto> CreateTokenAsync(CreateApiTokenRequest request, CancellationToken ct = default) => PostAsync<CreatedApiTokenDto>("api/v1/me/tokens", request, ct);
    public Task<IReadOnlyList<ApiTokenDto>> ListTokensAsync(CancellationToken ct = default) => GetAsync<IReadOnlyList<ApiTokenDto>>("api/v1/me/tokens", ct);
    public Task RevokeTokenAsync(Guid id, CancellationToken ct = default) => SendAsync<JsonElement?>(HttpMethod.Delete, $"api/v1/me/tokens/{id}", null, ct);
    public Task<AuditPage> ListAuditAsync(string? action = null, Guid? clientId = null, int? limit = null, string? cursor = null, CancellationToken ct = default)
    {
        var q = new List<string>();
        if (action is not null) { q.Add("action=" + Uri.EscapeDataString(action)); }
        if (clientId is not null) { q.Add("clientId=" + clientId); }
        if (limit is not null) { q.Add("limit=" + limit.Value.ToString(CultureInfo.InvariantCulture)); }
        if (cursor is not null) { q.Add("cursor=" + Uri.EscapeDataString(cursor)); }
        return GetAsync<AuditPage>("api/v1/audit" + (q.Count == 0 ? "" : "?" + string.Join('&', q)), ct);
    }

    // ---- screen tokens (admin) ----
    public Task<CreatedScreenTokenDto> CreateScreenTokenAsync(CreateScreenTokenRequest request, CancellationToken ct = default) => PostAsync<CreatedScreenTokenDto>("api/v1/screen-tokens", request, ct);
    public Task<IReadOnlyList<ScreenTokenDto>> ListScreenTokensAsync(CancellationToken ct = default) => GetAsync<IReadOnlyList<ScreenTokenDto>>("api/v1/screen-tokens", ct);
    public Task RevokeScreenTokenAsync(Guid id, CancellationToken ct = default) => SendAsync<JsonElement?>(HttpMethod.Delete, $"api/v1/screen-tokens/{id}", null, ct);

    // ---- plumbing ----
    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var response = await Http.GetAsync(path, ct);
        return await ReadAsync<T>(response, ct);
    }

    private Task<T> PostAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body, ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, _json.GetTypeInfo(body.GetType()));
        }
        using var response = await Http.SendAsync(request, ct);
        return await ReadAsync<T>(response, ct);
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, ct);
        }
        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
        {
            return default!;
        }
        var value = await response.Content.ReadFromJsonAsync((JsonTypeInfo<T>)_json.GetTypeInfo(typeof(T)), ct);
        return value!;
    }

    /// <summary>Builds the exception for a non-success answer.</summary>
    public static async Task<SocmeApiException> ErrorAsync(HttpResponseMessage response, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync(ct);
        string? code = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
            {
                code = c.GetString();
            }
        }
        catch (JsonException)
        {
            // Not a ProblemDetails body; the raw body is kept in the exception.
        }
        TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta;
        return new SocmeApiException(response.StatusCode, code, body, retryAfter);
    }
}
