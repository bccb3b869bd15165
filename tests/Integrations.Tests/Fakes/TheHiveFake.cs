using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Socme.Integrations.Tests.Fakes;

/// <summary>One HTTP request the fake received (headers as sent; the body as text).</summary>
public sealed record TheHiveFakeRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>One alert the fake holds.</summary>
/// <param name="Id">TheHive id: v1 <c>~&lt;number&gt;</c>; legacy the MD5 hex of <c>type|source|sourceRef</c>.</param>
/// <param name="Organisation">Organisation it was created in (<c>X-Organisation</c>, else the user's default).</param>
/// <param name="Legacy">Created through the legacy <c>/api/alert</c> endpoint.</param>
/// <param name="Body">The accepted request body.</param>
/// <param name="CreatedAt">Epoch milliseconds.</param>
public sealed record TheHiveFakeAlert(string Id, string Organisation, bool Legacy, JsonObject Body, long CreatedAt)
{
    public string Type => (string)Body["type"]!;
    public string Source => (string)Body["source"]!;
    public string SourceRef => (string)Body["sourceRef"]!;
}

/// <summary>
/// A local fake TheHive server (Kestrel on 127.0.0.1, ephemeral port) following TheHive's documented HTTP API, for tests of
/// SOCme's TheHive client and of the core's escalation. Self-contained: copy or link this one file.
/// </summary>
/// <remarks>
/// <para><b>From sources</b> (see <c>../shared/API-FACTS.md</c> §d):</para>
/// <list type="bullet">
/// <item><c>Authorization: Bearer &lt;key&gt;</c>, optional <c>X-Organisation</c> (thehive4py <c>session.py</c>, <c>client.py</c>).</item>
/// <item><c>POST /api/v1/alert</c> with the required keys <c>type</c>, <c>source</c>, <c>sourceRef</c>, <c>title</c>,
/// <c>description</c> and optional <c>observables</c> [{dataType, data, message, tags, tlp, ...}]; returns an OutputAlert
/// (<c>_id</c>, <c>_type</c>, <c>_createdBy</c>, <c>_createdAt</c>, ..., <c>severityLabel</c>, <c>tlpLabel</c>, <c>papLabel</c>,
/// <c>observableCount</c>) (thehive4py <c>endpoints/alert.py</c>, <c>types/alert.py</c>).</item>
/// <item>(type, source, sourceRef) unique per organisation; a duplicate is refused with <c>CreateError</c>
/// "Alert t:s:r already exist in organisation o" (TheHive 4 <c>AlertSrv.scala</c>, same code base as 5; issue #203, #1302).
/// Error bodies are <c>{"type", "message"}</c> (thehive4py <c>session.py</c> reads exactly these).</item>
/// <item><c>POST /api/v1/query?name=...</c> with <c>{"query": [{"_name":"listAlert"}, {"_name":"filter", ...},
/// {"_name":"sort", ...}, {"_name":"page","from":0,"to":n}]}</c>, filters <c>_and</c>/<c>_or</c>/<c>_not</c>/
/// <c>{"_field","_value"}</c> (thehive4py <c>endpoints/alert.py</c> <c>find</c>, <c>query/filters.py</c>, <c>query/page.py</c>).</item>
/// <item><c>GET /api/v1/user/current</c> (thehive4py <c>endpoints/user.py</c>).</item>
/// <item>Legacy (TheHive 3/4 v0): <c>POST /api/alert</c> with <c>artifacts</c>, severity 1–3, TLP 0–3, alert id computed from
/// type|source|sourceRef (TheHiveDocs <c>api/alert.md</c>); duplicate → 400 <c>ConflictError</c> "[alert][id]: version conflict,
/// document already exists" (issues #203, #1111, #1094 for the 400); <c>POST /api/alert/_search?range=a-b</c> with
/// <c>{"query": {...}}</c> (TheHive4py 1.x <c>api.py</c>/<c>query.py</c>); <c>GET /api/user/current</c>.</item>
/// </list>
/// <para><b>Inferred</b> (not verified against a running TheHive): HTTP 201 for a created alert; 400 (not 409) for a duplicate
/// on v1; the <c>_id</c> number range; the missing-attribute error body (<c>AttributeCheckingError</c>); 401
/// <c>AuthenticationError</c> and 403 <c>AuthorizationError</c> bodies; the user objects' fields; the list of accepted data
/// types (TheHive 5's default observable types). <b>Stricter than TheHive, to catch client mistakes</b>: <c>artifacts</c> on v1
/// and <c>observables</c> on legacy are refused; two observables with the same (dataType, data) are refused, as TheHive 4.0
/// did (issue #1514); an unknown <c>X-Organisation</c> is 403.</para>
/// <para>Test switches: <see cref="FailNext"/> (inject any status, e.g. 500, 503, 429 with <c>Retry-After</c>),
/// <see cref="RejectAllAsUnauthorized"/>, <see cref="HoldRequests"/> (requests wait until <see cref="ReleaseRequests"/> or
/// until the client gives up).</para>
/// </remarks>
public sealed class TheHiveFake : IAsyncDisposable
{
    public const string DefaultApiKey = "fake-thehive-key-0123456789abcdef";
    public const string DefaultOrganisation = "SOC";
    public const string UserLogin = "socme@thehive.local";

    /// <summary>TheHive 5's default observable data types (inferred from its UI; the fake refuses others).</summary>
    public static readonly IReadOnlySet<string> DataTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "autonomous-system", "domain", "file", "filename", "fqdn", "hash", "hostname", "ip", "mail", "mail-subject",
        "other", "regexp", "registry", "uri_path", "url", "user-agent",
    };

    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly List<TheHiveFakeRequest> requests = [];
    private readonly List<JsonObject> receivedAlertBodies = [];
    private readonly List<TheHiveFakeAlert> alerts = [];
    private readonly List<(int Status, string? RetryAfter, string? Path)> failures = [];
    private readonly HashSet<string> organisations = new(StringComparer.Ordinal) { DefaultOrganisation };
    private readonly List<(int Count, TaskCompletionSource Done)> requestWaiters = [];
    private TaskCompletionSource hold = CompletedHold();
    private long nextId = 40_964_096;

    private TheHiveFake(WebApplication app, string apiKey)
    {
        this.app = app;
        ApiKey = apiKey;
    }

    /// <summary>Starts a fake on 127.0.0.1 with an ephemeral port.</summary>
    public static async Task<TheHiveFake> StartAsync(string apiKey = DefaultApiKey)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new TheHiveFake(app, apiKey);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c></summary>
    public Uri BaseUrl { get; private set; } = null!;

    public string ApiKey { get; }

    /// <summary>Every request, in arrival order.</summary>
    public IReadOnlyList<TheHiveFakeRequest> Requests
    {
        get { lock (gate) { return [.. requests]; } }
    }

    /// <summary>Bodies of every alert-create request (v1 and legacy) that passed authentication, accepted or not.</summary>
    public IReadOnlyList<JsonObject> ReceivedAlertBodies
    {
        get { lock (gate) { return [.. receivedAlertBodies.Select(b => (JsonObject)b.DeepClone())]; } }
    }

    /// <summary>The alerts the fake holds.</summary>
    public IReadOnlyList<TheHiveFakeAlert> Alerts
    {
        get { lock (gate) { return [.. alerts]; } }
    }

    /// <summary>Answer every request with 401, whatever its key.</summary>
    public bool RejectAllAsUnauthorized { get; set; }

    /// <summary>Adds an organisation the user belongs to (besides <see cref="DefaultOrganisation"/>).</summary>
    public void AddOrganisation(string name)
    {
        lock (gate) { organisations.Add(name); }
    }

    /// <summary>
    /// The next <paramref name="times"/> requests (to <paramref name="path"/> only, when given) get <paramref name="statusCode"/>
    /// before authentication, with <c>Retry-After</c> when given.
    /// </summary>
    public void FailNext(int statusCode, int times = 1, string? retryAfter = null, string? path = null)
    {
        lock (gate)
        {
            for (var i = 0; i < times; i++)
            {
                failures.Add((statusCode, retryAfter, path));
            }
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> requests have arrived (they are recorded before being held).</summary>
    public Task WaitForRequestsAsync(int count)
    {
        lock (gate)
        {
            if (requests.Count >= count)
            {
                return Task.CompletedTask;
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            requestWaiters.Add((count, done));
            return done.Task;
        }
    }

    /// <summary>Requests wait (after being recorded) until <see cref="ReleaseRequests"/> or until the client aborts.</summary>
    public void HoldRequests()
    {
        lock (gate) { hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); }
    }

    public void ReleaseRequests()
    {
        lock (gate) { hold.TrySetResult(); }
    }

    /// <summary>Puts an alert in the store directly (as if created earlier, e.g. by another SOCme instance).</summary>
    public TheHiveFakeAlert Seed(JsonObject body, string organisation = DefaultOrganisation, bool legacy = false)
    {
        lock (gate)
        {
            var alert = new TheHiveFakeAlert(legacy ? LegacyId(body) : NewId(), organisation, legacy, (JsonObject)body.DeepClone(), Now());
            alerts.Add(alert);
            return alert;
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseRequests();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    // ---- dispatch --------------------------------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = request.Path.Value ?? "/";

        Task held;
        (int Status, string? RetryAfter)? failure = null;
        lock (gate)
        {
            requests.Add(new TheHiveFakeRequest(request.Method, path, request.QueryString.Value ?? "", headers, body));
            foreach (var waiter in requestWaiters.Where(w => w.Count <= requests.Count).ToList())
            {
                waiter.Done.TrySetResult();
                requestWaiters.Remove(waiter);
            }
            held = hold.Task;
            var index = failures.FindIndex(f => f.Path is null || f.Path == path);
            if (index >= 0)
            {
                failure = (failures[index].Status, failures[index].RetryAfter);
                failures.RemoveAt(index);
            }
        }

        try
        {
            await held.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (failure is var (status, retryAfter))
        {
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }
            await Error(context, status, status == 429 ? "TooManyRequests" : "InternalError", "injected failure");
            return;
        }

        if (RejectAllAsUnauthorized || !IsAuthorised(headers))
        {
            await Error(context, 401, "AuthenticationError", "Authentication failure");
            return;
        }

        string organisation;
        lock (gate)
        {
            organisation = headers.TryGetValue("X-Organisation", out var org) && org.Length > 0 ? org : DefaultOrganisation;
            if (!organisations.Contains(organisation))
            {
                organisation = "";
            }
        }
        if (organisation.Length == 0)
        {
            await Error(context, 403, "AuthorizationError", "User is not a member of the requested organisation");
            return;
        }

        var route = (request.Method, path.TrimEnd('/'));
        switch (route)
        {
            case ("POST", "/api/v1/alert"):
                await CreateAlert(context, body, organisation, legacy: false);
                break;
            case ("POST", "/api/alert"):
                await CreateAlert(context, body, organisation, legacy: true);
                break;
            case ("POST", "/api/v1/query"):
                await Query(context, body, organisation);
                break;
            case ("POST", "/api/alert/_search"):
                await LegacySearch(context, body, organisation, request.Query["range"].ToString());
                break;
            case ("GET", "/api/v1/user/current"):
                await Json(context, 200, new JsonObject
                {
                    ["_id"] = "~4192",
                    ["_createdAt"] = 1_700_000_000_000,
                    ["login"] = UserLogin,
                    ["name"] = "SOCme integration",
                    ["organisation"] = organisation,
                    ["profile"] = "analyst",
                    ["permissions"] = new JsonArray("manageAlert/create", "manageAlert/update", "manageObservable"),
                    ["locked"] = false,
                    ["hasMFA"] = false,
                });
                break;
            case ("GET", "/api/user/current"):
                await Json(context, 200, new JsonObject
                {
                    ["_id"] = UserLogin,
                    ["id"] = UserLogin,
                    ["_type"] = "user",
                    ["name"] = "SOCme integration",
                    ["roles"] = new JsonArray("read", "write", "alert"),
                    ["status"] = "Ok",
                });
                break;
            default:
                if (request.Method == "GET" && path.StartsWith("/api/v1/alert/", StringComparison.Ordinal))
                {
                    await GetAlert(context, path["/api/v1/alert/".Length..], organisation);
                    break;
                }
                await Error(context, 404, "NotFoundError", $"{request.Method} {path} not found");
                break;
        }
    }

    private bool IsAuthorised(Dictionary<string, string> headers) =>
        headers.TryGetValue("Authorization", out var auth)
        && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(auth["Bearer ".Length..]), Encoding.UTF8.GetBytes(ApiKey));

    // ---- alerts ----------------------------------------------------------------------------------------------------

    private async Task CreateAlert(HttpContext context, string text, string organisation, bool legacy)
    {
        if (ParseObject(text) is not { } body)
        {
            await Error(context, 400, "BadRequest", "Invalid json");
            return;
        }
        lock (gate)
        {
            receivedAlertBodies.Add((JsonObject)body.DeepClone());
        }

        if (Validate(body, legacy) is { } invalid)
        {
            await Error(context, 400, invalid.Type, invalid.Message);
            return;
        }

        TheHiveFakeAlert? created = null;
        string? conflict = null;
        lock (gate)
        {
            var type = (string)body["type"]!;
            var source = (string)body["source"]!;
            var sourceRef = (string)body["sourceRef"]!;
            var exists = alerts.Any(a => a.Organisation == organisation && a.Type == type && a.Source == source && a.SourceRef == sourceRef);
            if (exists)
            {
                conflict = legacy
                    ? $"[alert][{LegacyId(body)}]: version conflict, document already exists (current version [1])"
                    : $"Alert {type}:{source}:{sourceRef} already exist in organisation {organisation}";
            }
            else
            {
                created = new TheHiveFakeAlert(legacy ? LegacyId(body) : NewId(), organisation, legacy, body, Now());
                alerts.Add(created);
            }
        }

        if (conflict is not null)
        {
            if (legacy)
            {
                await Json(context, 400, new JsonObject { ["type"] = "ConflictError", ["message"] = conflict, ["object"] = new JsonObject() });
            }
            else
            {
                await Error(context, 400, "CreateError", conflict);
            }
            return;
        }
        await Json(context, 201, legacy ? LegacyOutput(created!) : Output(created!));
    }

    private static (string Type, string Message)? Validate(JsonObject body, bool legacy)
    {
        var missing = new List<string>();
        foreach (var key in (string[])["type", "source", "sourceRef", "title", "description"])
        {
            if (body[key] is not JsonValue v || v.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace((string?)v))
            {
                missing.Add(key);
            }
        }
        if (missing.Count > 0)
        {
            return ("AttributeCheckingError", "[" + string.Join(", ", missing.Select(m => $"{m}: MissingAttribute")) + "]");
        }

        var maxSeverity = legacy ? 3 : 4;
        var maxTlp = legacy ? 3 : 4;
        if (!IntInRange(body, "severity", 1, maxSeverity) || !IntInRange(body, "tlp", 0, maxTlp) || !IntInRange(body, "pap", 0, 3))
        {
            return ("AttributeCheckingError", "[severity/tlp/pap: InvalidFormatAttributeError]");
        }
        if (body["date"] is JsonNode date && !(date is JsonValue dv && dv.GetValueKind() == JsonValueKind.Number))
        {
            return ("AttributeCheckingError", "[date: InvalidFormatAttributeError]");
        }
        if (body["tags"] is JsonNode tags && !(tags is JsonArray ta && ta.All(t => t is JsonValue tv && tv.GetValueKind() == JsonValueKind.String)))
        {
            return ("AttributeCheckingError", "[tags: InvalidFormatAttributeError]");
        }

        var wrongList = legacy ? "observables" : "artifacts";
        if (body.ContainsKey(wrongList))
        {
            return ("AttributeCheckingError", $"[{wrongList}: UnknownAttributeError]");
        }
        var listName = legacy ? "artifacts" : "observables";
        if (body[listName] is JsonNode list)
        {
            if (list is not JsonArray items)
            {
                return ("AttributeCheckingError", $"[{listName}: InvalidFormatAttributeError]");
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if (item is not JsonObject o
                    || o["dataType"] is not JsonValue dt || dt.GetValueKind() != JsonValueKind.String
                    || o["data"] is not JsonValue data || data.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty((string?)data))
                {
                    return ("AttributeCheckingError", $"[{listName}: dataType and data are required]");
                }
                if (!DataTypes.Contains((string)dt!))
                {
                    return ("NotFoundError", $"ObservableType {(string)dt!} not found");
                }
                if (!seen.Add((string)dt! + "\n" + (string)data!))
                {
                    return ("CreateError", "Observable already exists");
                }
            }
        }
        return null;
    }

    private static bool IntInRange(JsonObject body, string key, int min, int max) =>
        body[key] is null
        || (body[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) && i >= min && i <= max);

    private async Task GetAlert(HttpContext context, string id, string organisation)
    {
        TheHiveFakeAlert? alert;
        lock (gate)
        {
            alert = alerts.FirstOrDefault(a => a.Id == id && a.Organisation == organisation && !a.Legacy);
        }
        if (alert is null)
        {
            await Error(context, 404, "NotFoundError", $"Alert {id} not found");
            return;
        }
        await Json(context, 200, Output(alert));
    }

    // ---- queries ---------------------------------------------------------------------------------------------------

    private async Task Query(HttpContext context, string text, string organisation)
    {
        if (ParseObject(text) is not { } body || body["query"] is not JsonArray ops || ops.Count == 0
            || ops[0] is not JsonObject first || (string?)first["_name"] != "listAlert")
        {
            await Error(context, 400, "BadRequest", "Invalid query: the fake supports [listAlert, filter?, sort?, page?]");
            return;
        }

        IEnumerable<TheHiveFakeAlert> result;
        lock (gate)
        {
            result = [.. alerts.Where(a => a.Organisation == organisation && !a.Legacy)];
        }
        foreach (var op in ops.Skip(1))
        {
            switch (op is JsonObject o ? (string?)o["_name"] : null)
            {
                case "filter":
                    var filter = (JsonObject)op!.DeepClone();
                    filter.Remove("_name");
                    if (!IsSupportedFilter(filter))
                    {
                        await Error(context, 400, "BadRequest", "Invalid filter");
                        return;
                    }
                    result = result.Where(a => Matches(a.Body, filter)).ToList();
                    break;
                case "sort":
                    break;
                case "page":
                    var from = (int?)op!["from"] ?? 0;
                    var to = (int?)op["to"] ?? int.MaxValue;
                    result = result.Skip(from).Take(Math.Max(0, to - from)).ToList();
                    break;
                default:
                    await Error(context, 400, "BadRequest", "Invalid query operation");
                    return;
            }
        }
        var array = new JsonArray();
        foreach (var alert in result)
        {
            array.Add(Output(alert));
        }
        await Json(context, 200, array);
    }

    private async Task LegacySearch(HttpContext context, string text, string organisation, string range)
    {
        if (ParseObject(text) is not { } body || body["query"] is not JsonObject filter || !IsSupportedFilter(filter))
        {
            await Error(context, 400, "BadRequest", "Invalid search query");
            return;
        }
        List<TheHiveFakeAlert> result;
        lock (gate)
        {
            result = [.. alerts.Where(a => a.Organisation == organisation && a.Legacy && Matches(a.Body, filter))];
        }
        if (range.Length > 0 && range != "all")
        {
            var parts = range.Split('-');
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var from) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var to))
            {
                await Error(context, 400, "BadRequest", "Invalid range");
                return;
            }
            result = [.. result.Skip(from).Take(Math.Max(0, to - from))];
        }
        var array = new JsonArray();
        foreach (var alert in result)
        {
            array.Add(LegacyOutput(alert));
        }
        await Json(context, 200, array);
    }

    private static bool IsSupportedFilter(JsonObject filter)
    {
        if (filter["_and"] is JsonArray and)
        {
            return and.All(f => f is JsonObject o && IsSupportedFilter(o));
        }
        if (filter["_or"] is JsonArray or)
        {
            return or.All(f => f is JsonObject o && IsSupportedFilter(o));
        }
        if (filter["_not"] is JsonObject not)
        {
            return IsSupportedFilter(not);
        }
        return filter["_field"] is JsonValue && filter.ContainsKey("_value");
    }

    private static bool Matches(JsonObject alert, JsonObject filter)
    {
        if (filter["_and"] is JsonArray and)
        {
            return and.All(f => Matches(alert, (JsonObject)f!));
        }
        if (filter["_or"] is JsonArray or)
        {
            return or.Any(f => Matches(alert, (JsonObject)f!));
        }
        if (filter["_not"] is JsonObject not)
        {
            return !Matches(alert, not);
        }
        var field = (string)filter["_field"]!;
        return JsonNode.DeepEquals(alert[field], filter["_value"]);
    }

    // ---- output ----------------------------------------------------------------------------------------------------

    /// <summary>TheHive 5 OutputAlert.</summary>
    private static JsonObject Output(TheHiveFakeAlert alert)
    {
        var b = alert.Body;
        var severity = (int?)b["severity"] ?? 2;
        var tlp = (int?)b["tlp"] ?? 2;
        var pap = (int?)b["pap"] ?? 2;
        var output = new JsonObject
        {
            ["_id"] = alert.Id,
            ["_type"] = "Alert",
            ["_createdBy"] = UserLogin,
            ["_createdAt"] = alert.CreatedAt,
            ["type"] = b["type"]?.DeepClone(),
            ["source"] = b["source"]?.DeepClone(),
            ["sourceRef"] = b["sourceRef"]?.DeepClone(),
            ["title"] = b["title"]?.DeepClone(),
            ["description"] = b["description"]?.DeepClone(),
            ["severity"] = severity,
            ["severityLabel"] = severity switch { 1 => "LOW", 2 => "MEDIUM", 3 => "HIGH", _ => "CRITICAL" },
            ["date"] = b["date"]?.DeepClone() ?? alert.CreatedAt,
            ["tags"] = b["tags"]?.DeepClone() ?? new JsonArray(),
            ["tlp"] = tlp,
            ["tlpLabel"] = tlp switch { 0 => "CLEAR", 1 => "GREEN", 2 => "AMBER", 3 => "AMBER+STRICT", _ => "RED" },
            ["pap"] = pap,
            ["papLabel"] = pap switch { 0 => "CLEAR", 1 => "GREEN", 2 => "AMBER", _ => "RED" },
            ["follow"] = true,
            ["customFields"] = new JsonArray(),
            ["observableCount"] = (b["observables"] as JsonArray)?.Count ?? 0,
            ["status"] = "New",
            ["stage"] = "New",
            ["extraData"] = new JsonObject(),
            ["newDate"] = alert.CreatedAt,
            ["timeToDetect"] = 0,
        };
        if (b["externalLink"] is JsonNode link)
        {
            output["externalLink"] = link.DeepClone();
        }
        return output;
    }

    /// <summary>TheHive 3/4 legacy alert.</summary>
    private static JsonObject LegacyOutput(TheHiveFakeAlert alert)
    {
        var b = alert.Body;
        return new JsonObject
        {
            ["id"] = alert.Id,
            ["_id"] = alert.Id,
            ["_type"] = "alert",
            ["_version"] = 1,
            ["createdBy"] = UserLogin,
            ["createdAt"] = alert.CreatedAt,
            ["type"] = b["type"]?.DeepClone(),
            ["source"] = b["source"]?.DeepClone(),
            ["sourceRef"] = b["sourceRef"]?.DeepClone(),
            ["title"] = b["title"]?.DeepClone(),
            ["description"] = b["description"]?.DeepClone(),
            ["severity"] = (int?)b["severity"] ?? 2,
            ["date"] = b["date"]?.DeepClone() ?? alert.CreatedAt,
            ["tags"] = b["tags"]?.DeepClone() ?? new JsonArray(),
            ["tlp"] = (int?)b["tlp"] ?? 2,
            ["status"] = "New",
            ["follow"] = true,
            ["artifacts"] = b["artifacts"]?.DeepClone() ?? new JsonArray(),
            ["caseTemplate"] = null,
        };
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private string NewId() => "~" + Interlocked.Increment(ref nextId).ToString(CultureInfo.InvariantCulture);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "Emulates TheHive 3's documented alert id (MD5 of type|source|sourceRef); not a security use.")]
    private static string LegacyId(JsonObject body) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{(string?)body["type"]}|{(string?)body["source"]}|{(string?)body["sourceRef"]}")));

    private static long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    private static TaskCompletionSource CompletedHold()
    {
        var tcs = new TaskCompletionSource();
        tcs.SetResult();
        return tcs;
    }

    private static JsonObject? ParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task Error(HttpContext context, int status, string type, string message) =>
        Json(context, status, new JsonObject { ["type"] = type, ["message"] = message });

    private static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
