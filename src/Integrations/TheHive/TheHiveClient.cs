using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Socme.Integrations.TheHive;

/// <summary>Escalates SOCme alerts to TheHive as TheHive alerts, and tests a connection.</summary>
/// <remarks>
/// <para>The host gives the <see cref="HttpClient"/> (so the core can put its SSRF-guarded handler under it) and the
/// options; the client reads no configuration. One HTTP attempt per call: <see cref="EscalationOutcome.Retry"/> tells the
/// caller's outbox to back off and call again (honouring <see cref="EscalationResult.RetryAfter"/>), so retries are not
/// hidden inside the client and one slow TheHive never holds a worker for minutes.</para>
/// <para>Idempotent: the SOCme alert id is the <c>sourceRef</c>; when TheHive refuses a duplicate (type, source,
/// sourceRef) the client looks the existing alert up (v1 <c>POST /api/v1/query</c> <c>listAlert</c> + filter, legacy
/// <c>POST /api/alert/_search</c>) and returns <see cref="EscalationOutcome.AlreadyExists"/> with its id. A retry after a
/// lost response therefore ends as AlreadyExists, never as a second alert.</para>
/// <para>The API key is sent only in the <c>Authorization</c> header of each request (not on the shared HttpClient) and is
/// scrubbed from every reason and log message.</para>
/// </remarks>
public sealed class TheHiveClient
{
    private const int MaxBodyChars = 1 << 20;
    private const int MaxReasonChars = 300;

    private readonly HttpClient http;
    private readonly TheHiveOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly string? configurationError;

    public TheHiveClient(HttpClient http, TheHiveOptions options, TimeProvider? timeProvider = null, ILogger<TheHiveClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        this.http = http;
        this.options = options;
        time = timeProvider ?? TimeProvider.System;
        this.logger = logger ?? NullLogger<TheHiveClient>.Instance;
        configurationError = Validate(options);
    }

    /// <summary>Creates the TheHive alert for <paramref name="input"/>, or finds the one already created for it.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled (a timeout is a <see cref="EscalationOutcome.Retry"/>).</exception>
    public async Task<EscalationResult> EscalateAsync(EscalationInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (configurationError is not null)
        {
            return Failed(null, configurationError);
        }

        var observables = ObservableExtractor.Extract(input, options.MaxObservables, options.UserDataType);
        var body = AlertPayload.Build(options, input, observables);
        var legacy = options.Flavour == TheHiveApiFlavour.Legacy;
        var sourceRef = AlertPayload.SourceRef(input);

        var reply = await SendAsync(HttpMethod.Post, legacy ? "api/alert" : "api/v1/alert", null, body, cancellationToken);
        if (reply.IsSuccess)
        {
            var id = ReadId(reply.Body);
            logger.LogInformation("TheHive alert {TheHiveId} created for SOCme alert {AlertId} with {ObservableCount} observables",
                id, input.AlertId, observables.Count);
            return new EscalationResult
            {
                Outcome = EscalationOutcome.Created,
                TheHiveId = id,
                Link = id is null ? null : AlertLink(id),
                Reason = id is null ? "TheHive accepted the alert but returned no id" : null,
            };
        }

        if (reply.Status is 400 or 409 && TheHiveError.Parse(reply.Body).IsDuplicateAlert)
        {
            return await FindExistingAsync(input.AlertId, sourceRef, cancellationToken);
        }

        return FailureOf(reply, $"creating the alert for SOCme alert {input.AlertId}");
    }

    /// <summary>Checks the URL, the API key and the organisation: <c>GET /api/v1/user/current</c> (legacy <c>/api/user/current</c>).</summary>
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (configurationError is not null)
        {
            return new ConnectionTestResult { Success = false, Reason = configurationError };
        }
        var legacy = options.Flavour == TheHiveApiFlavour.Legacy;
        var reply = await SendAsync(HttpMethod.Get, legacy ? "api/user/current" : "api/v1/user/current", null, null, cancellationToken);
        if (!reply.IsSuccess)
        {
            var failure = FailureOf(reply, "testing the connection");
            return new ConnectionTestResult { Success = false, StatusCode = failure.StatusCode, Reason = failure.Reason };
        }

        string? login = null, organisation = null;
        try
        {
            using var doc = JsonDocument.Parse(reply.Body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                login = Str(doc.RootElement, "login") ?? Str(doc.RootElement, "id");
                organisation = Str(doc.RootElement, "organisation");
            }
        }
        catch (JsonException)
        {
        }
        if (login is null)
        {
            return new ConnectionTestResult
            {
                Success = false,
                StatusCode = reply.Status,
                Reason = "The server answered, but not like TheHive (no user in the reply): check the URL and the API flavour.",
            };
        }
        return new ConnectionTestResult { Success = true, User = login, Organisation = organisation, StatusCode = reply.Status };
    }

    /// <summary>Browser link to a TheHive alert: v1 <c>{ui}/alerts/{id}/details</c>, legacy <c>{ui}/index.html#!/alert/{id}/details</c>.</summary>
    public Uri AlertLink(string theHiveId)
    {
        ArgumentException.ThrowIfNullOrEmpty(theHiveId);
        var ui = (options.UiBaseUrl ?? options.BaseUrl)?.AbsoluteUri.TrimEnd('/')
            ?? throw new InvalidOperationException("TheHive base URL is not set.");
        var id = Uri.EscapeDataString(theHiveId);
        return options.Flavour == TheHiveApiFlavour.Legacy
            ? new Uri($"{ui}/index.html#!/alert/{id}/details")
            : new Uri($"{ui}/alerts/{id}/details");
    }

    private async Task<EscalationResult> FindExistingAsync(long alertId, string sourceRef, CancellationToken cancellationToken)
    {
        var filter = new JsonObject
        {
            ["_and"] = new JsonArray(
                Eq("type", options.AlertType),
                Eq("source", options.Source),
                Eq("sourceRef", sourceRef)),
        };

        Reply reply;
        if (options.Flavour == TheHiveApiFlavour.Legacy)
        {
            var body = new JsonObject { ["query"] = filter };
            reply = await SendAsync(HttpMethod.Post, "api/alert/_search", "range=0-1", body, cancellationToken);
        }
        else
        {
            filter["_name"] = "filter";
            var body = new JsonObject
            {
                ["query"] = new JsonArray(
                    new JsonObject { ["_name"] = "listAlert" },
                    filter,
                    new JsonObject { ["_name"] = "page", ["from"] = 0, ["to"] = 1 }),
            };
            reply = await SendAsync(HttpMethod.Post, "api/v1/query", "name=socme-find-alert", body, cancellationToken);
        }

        if (!reply.IsSuccess)
        {
            return FailureOf(reply, $"looking up the existing TheHive alert of SOCme alert {alertId}");
        }

        var id = ReadFirstId(reply.Body);
        logger.LogInformation("SOCme alert {AlertId} was already escalated: TheHive alert {TheHiveId}", alertId, id);
        return new EscalationResult
        {
            Outcome = EscalationOutcome.AlreadyExists,
            TheHiveId = id,
            Link = id is null ? null : AlertLink(id),
            Reason = id is null ? "TheHive reports the alert exists, but the search did not return it (check the user's permissions)." : null,
        };
    }

    private static JsonObject Eq(string field, string value) => new() { ["_field"] = field, ["_value"] = value };

    private EscalationResult FailureOf(Reply reply, string doing)
    {
        if (reply.TransportError is not null)
        {
            var reason = Scrub($"TheHive unreachable while {doing}: {reply.TransportError}");
            logger.LogWarning("TheHive unreachable while {Doing}: {Error}", doing, Scrub(reply.TransportError));
            return new EscalationResult { Outcome = EscalationOutcome.Retry, Reason = reason };
        }

        var status = reply.Status!.Value;
        var detail = TheHiveError.Parse(reply.Body).Describe();
        var suffix = detail.Length == 0 ? "" : $": {detail}";
        var retry = status is 408 or 429 || status >= 500;
        var text = status switch
        {
            401 => $"TheHive rejected the API key (401){suffix}",
            403 => options.Organisation is null
                ? $"TheHive refused the request (403): the API key's user lacks a permission (manageAlert){suffix}"
                : $"TheHive refused the request (403): the API key's user lacks a permission (manageAlert) or is not in organisation '{options.Organisation}'{suffix}",
            _ => $"TheHive answered {status} while {doing}{suffix}",
        };
        var result = new EscalationResult
        {
            Outcome = retry ? EscalationOutcome.Retry : EscalationOutcome.Failed,
            StatusCode = status,
            Reason = Truncate(Scrub(text)),
            RetryAfter = retry ? reply.RetryAfter : null,
        };
        logger.LogWarning("TheHive answered {StatusCode} while {Doing} ({Outcome}): {Reason}", status, doing, result.Outcome, result.Reason);
        return result;
    }

    private static EscalationResult Failed(int? status, string reason) =>
        new() { Outcome = EscalationOutcome.Failed, StatusCode = status, Reason = reason };

    private async Task<Reply> SendAsync(HttpMethod method, string path, string? query, JsonNode? body, CancellationToken cancellationToken)
    {
        var baseUri = options.BaseUrl!.AbsoluteUri.TrimEnd('/');
        var uri = new Uri(query is null ? $"{baseUri}/{path}" : $"{baseUri}/{path}?{query}");
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrWhiteSpace(options.Organisation))
        {
            request.Headers.TryAddWithoutValidation("X-Organisation", options.Organisation.Trim());
        }
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var timeout = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var text = await ReadCappedAsync(response.Content, linked.Token);
            return new Reply((int)response.StatusCode, text, RetryAfterOf(response.Headers.RetryAfter), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Reply(null, "", null, $"no answer within {options.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return new Reply(null, "", null, e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError} ({e.Message})");
        }
    }

    private static async Task<string> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[8192];
        var sb = new StringBuilder();
        int read;
        while (sb.Length < MaxBodyChars && (read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
        {
            sb.Append(buffer, 0, read);
        }
        return sb.ToString();
    }

    private TimeSpan? RetryAfterOf(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private static string? ReadId(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? IdOf(doc.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ReadFirstId(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in root.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && IdOf(item) is { } id)
                    {
                        return id;
                    }
                }
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>v1 returns <c>_id</c>; legacy returns <c>id</c> and <c>_id</c>.</summary>
    private static string? IdOf(JsonElement alert) => Str(alert, "_id") ?? Str(alert, "id");

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && ObservableExtractor.Text(v) is { Length: > 0 } s ? s : null;

    private string Scrub(string text) =>
        string.IsNullOrEmpty(options.ApiKey) ? text : text.Replace(options.ApiKey, "***", StringComparison.Ordinal);

    private static string Truncate(string text) => text.Length <= MaxReasonChars ? text : text[..(MaxReasonChars - 1)] + "…";

    private static string? Validate(TheHiveOptions options)
    {
        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return "TheHive base URL must be an absolute http(s) URL.";
        }
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            return "TheHive API key is not set.";
        }
        if (!options.ApiKey.All(c => char.IsAscii(c) && !char.IsControl(c) && c != ' '))
        {
            return "TheHive API key contains spaces, control or non-ASCII characters.";
        }
        if (string.IsNullOrWhiteSpace(options.AlertType) || string.IsNullOrWhiteSpace(options.Source))
        {
            return "TheHive alert type and source must be set.";
        }
        if (options.Organisation is { } org && !org.All(c => char.IsAscii(c) && !char.IsControl(c)))
        {
            return "TheHive organisation must be ASCII without control characters (it is sent as the X-Organisation header).";
        }
        if (options.Timeout <= TimeSpan.Zero)
        {
            return "TheHive timeout must be positive.";
        }
        return null;
    }

    private sealed record Reply(int? Status, string Body, TimeSpan? RetryAfter, string? TransportError)
    {
        public bool IsSuccess => Status is >= 200 and < 300;
    }
}
