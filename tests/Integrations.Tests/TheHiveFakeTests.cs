using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Socme.Integrations.Tests.Fakes;

namespace Socme.Integrations.Tests;

/// <summary>The fake itself follows the documented API (raw HTTP, no SOCme client), so other projects can rely on it.</summary>
public sealed class TheHiveFakeTests
{
    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(TheHiveFake fake, HttpMethod method, string path, string? json, string? key = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, new Uri(fake.BaseUrl, path));
        if (key is not null)
        {
            request.Headers.Authorization = new("Bearer", key);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task CreateAlert_NoOrWrongBearer_401()
    {
        await using var fake = await TheHiveFake.StartAsync();
        const string alert = """{"type":"t","source":"s","sourceRef":"1","title":"x","description":"d"}""";

        var none = await SendAsync(fake, HttpMethod.Post, "api/v1/alert", alert);
        var wrong = await SendAsync(fake, HttpMethod.Post, "api/v1/alert", alert, "nope");

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("AuthenticationError", (string?)wrong.Body!["type"]);
        Assert.Empty(fake.Alerts);
        Assert.Empty(fake.ReceivedAlertBodies);
    }

    [Fact]
    public async Task CreateAlert_MissingRequiredKeys_400Listed()
    {
        await using var fake = await TheHiveFake.StartAsync();

        var (status, body) = await SendAsync(fake, HttpMethod.Post, "api/v1/alert", """{"type":"t","title":"","description":"d"}""", fake.ApiKey);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("AttributeCheckingError", (string?)body!["type"]);
        Assert.Equal("[source: MissingAttribute, sourceRef: MissingAttribute, title: MissingAttribute]", (string?)body["message"]);
        Assert.Empty(fake.Alerts);
        Assert.Single(fake.ReceivedAlertBodies);
    }

    [Theory]
    [InlineData("""{"severity":5}""")]
    [InlineData("""{"tlp":-1}""")]
    [InlineData("""{"pap":4}""")]
    [InlineData("""{"tags":"one"}""")]
    [InlineData("""{"artifacts":[]}""")]
    [InlineData("""{"observables":[{"dataType":"ip"}]}""")]
    [InlineData("""{"observables":[{"dataType":"user","data":"bob"}]}""")]
    [InlineData("""{"observables":[{"dataType":"ip","data":"1.1.1.1"},{"dataType":"ip","data":"1.1.1.1"}]}""")]
    public async Task CreateAlert_InvalidOptionalField_400(string extra)
    {
        await using var fake = await TheHiveFake.StartAsync();
        var body = JsonNode.Parse("""{"type":"t","source":"s","sourceRef":"1","title":"x","description":"d"}""")!.AsObject();
        foreach (var (k, v) in JsonNode.Parse(extra)!.AsObject())
        {
            body[k] = v?.DeepClone();
        }

        var (status, _) = await SendAsync(fake, HttpMethod.Post, "api/v1/alert", body.ToJsonString(), fake.ApiKey);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(fake.Alerts);
    }

    [Fact]
    public async Task CreateAlert_ThenDuplicate_OutputAlertThenCreateError()
    {
        await using var fake = await TheHiveFake.StartAsync();
        const string alert = """
            {"type":"t","source":"s","sourceRef":"9","title":"x","description":"d","severity":3,"tlp":4,"pap":0,
             "observables":[{"dataType":"ip","data":"1.1.1.1"},{"dataType":"domain","data":"a.example"}]}
            """;

        var created = await SendAsync(fake, HttpMethod.Post, "api/v1/alert", alert, fake.ApiKey);
        var duplicate = await SendAsync(fake, HttpMethod.Post, "api/v1/alert", alert, fake.ApiKey);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var output = created.Body!;
        Assert.StartsWith("~", (string?)output["_id"], StringComparison.Ordinal);
        Assert.Equal("Alert", (string?)output["_type"]);
        Assert.Equal(TheHiveFake.UserLogin, (string?)output["_createdBy"]);
        Assert.True((long?)output["_createdAt"] > 0);
        Assert.Equal("9", (string?)output["sourceRef"]);
        Assert.Equal(("HIGH", "RED", "CLEAR"), ((string?)output["severityLabel"], (string?)output["tlpLabel"], (string?)output["papLabel"]));
        Assert.Equal(2, (int?)output["observableCount"]);
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Status);
        Assert.Equal("CreateError", (string?)duplicate.Body!["type"]);
        Assert.Equal("Alert t:s:9 already exist in organisation SOC", (string?)duplicate.Body["message"]);
        Assert.Single(fake.Alerts);
    }

    [Fact]
    public async Task Query_ListAlertFilterPage_ReturnsMatchingOutputAlerts()
    {
        await using var fake = await TheHiveFake.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            fake.Seed(new JsonObject { ["type"] = "t", ["source"] = "s", ["sourceRef"] = $"{i}", ["title"] = "x", ["description"] = "d", ["tags"] = new JsonArray("k") });
        }

        var one = await SendAsync(fake, HttpMethod.Post, "api/v1/query?name=x",
            """{"query":[{"_name":"listAlert"},{"_name":"filter","_field":"sourceRef","_value":"1"}]}""", fake.ApiKey);
        var paged = await SendAsync(fake, HttpMethod.Post, "api/v1/query",
            """{"query":[{"_name":"listAlert"},{"_name":"filter","_or":[{"_field":"sourceRef","_value":"0"},{"_not":{"_field":"sourceRef","_value":"0"}}]},{"_name":"sort","_fields":[{"_createdAt":"desc"}]},{"_name":"page","from":1,"to":3}]}""",
            fake.ApiKey);
        var unsupported = await SendAsync(fake, HttpMethod.Post, "api/v1/query", """{"query":[{"_name":"listCase"}]}""", fake.ApiKey);

        Assert.Equal(HttpStatusCode.OK, one.Status);
        Assert.Equal("1", (string?)Assert.Single(one.Body!.AsArray())!["sourceRef"]);
        Assert.Equal(["1", "2"], paged.Body!.AsArray().Select(a => (string?)a!["sourceRef"]));
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.Status);
    }

    [Fact]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "TheHive 3's documented alert id is an MD5.")]
    public async Task LegacyCreate_ComputedIdAndConflictError()
    {
        await using var fake = await TheHiveFake.StartAsync();
        const string alert = """{"type":"t","source":"s","sourceRef":"1","title":"x","description":"d","artifacts":[{"dataType":"ip","data":"1.1.1.1"}]}""";

        var created = await SendAsync(fake, HttpMethod.Post, "api/alert", alert, fake.ApiKey);
        var duplicate = await SendAsync(fake, HttpMethod.Post, "api/alert", alert, fake.ApiKey);
        var withObservables = await SendAsync(fake, HttpMethod.Post, "api/alert",
            """{"type":"t","source":"s","sourceRef":"2","title":"x","description":"d","observables":[]}""", fake.ApiKey);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes("t|s|1")));
        Assert.Equal(id, (string?)created.Body!["id"]);
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Status);
        Assert.Equal("ConflictError", (string?)duplicate.Body!["type"]);
        Assert.Contains($"[alert][{id}]", (string?)duplicate.Body["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, withObservables.Status);
    }

    [Fact]
    public async Task FailNext_AppliesOnceThenNormal()
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.FailNext(503, retryAfter: "3");

        using var http = new HttpClient();
        using var first = await http.GetAsync(new Uri(fake.BaseUrl, "api/v1/user/current"));
        var second = await SendAsync(fake, HttpMethod.Get, "api/v1/user/current", null, fake.ApiKey);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), first.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, second.Status);
    }
}
