using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>Bad lines are rejected alone with a reason; whole-request errors have their own status.</summary>
public sealed class IngestValidationTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    [Fact]
    public async Task MalformedLines_AreRejectedAlone_AndTheRestLands()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        var good = Envelopes.UniqueWazuh(3);
        var dns = Corpus.SuricataNonAlerts().First(l => l.Contains("\"event_type\":\"dns\"", StringComparison.Ordinal));
        var lines = new List<string>
        {
            good[0],
            "{not json",
            """{"source":"wazuh","raw":{"no":"rule"}}""",
            """{"source":"zeek","raw":{}}""",
            Envelopes.Suricata(dns),
            good[1],
            """{"source":"wazuh","key":"","raw":{"rule":{"level":3},"timestamp":"2024-01-01T00:00:00.000+0000"}}""",
            "[1,2,3]",
            good[2],
        };

        var result = await node.IngestAsync(lines);

        Assert.Equal(3, result.Accepted);
        Assert.Equal([2, 3, 4, 5, 7, 8], result.Rejected.Select(r => r.Line));
        Assert.All(result.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.Equal("invalid_envelope", result.Rejected[0].Code);
        Assert.Equal("wrong_shape", result.Rejected[1].Code);
        Assert.Equal("invalid_envelope", result.Rejected[2].Code);
        Assert.Equal("not_an_alert", result.Rejected[3].Code);
        Assert.Contains("dns", result.Rejected[3].Reason, StringComparison.Ordinal);
        Assert.Equal("invalid_key", result.Rejected[4].Code);
        Assert.Equal(3, (await admin.ListAlertsAsync(new AlertFilter { ClientId = client.Id })).Items.Count);
    }

    [Fact]
    public async Task NonAlertSuricataEvents_NeverReachTheStore()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        var nonAlerts = Corpus.SuricataNonAlerts().Take(300).Select(l => Envelopes.Suricata(l)).ToList();

        var result = await node.IngestAsync(nonAlerts);

        Assert.Equal(0, result.Accepted);
        Assert.Equal(nonAlerts.Count, result.Rejected.Count);
        Assert.All(result.Rejected, r => Assert.Equal("not_an_alert", r.Code));
        Assert.Empty((await admin.ListAlertsAsync(new AlertFilter { ClientId = client.Id })).Items);
    }

    [Fact]
    public async Task RevokedNodeToken_Gets401_AndTheNewTokenWorks()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, enrolled) = await core.NodeAsync(admin, client.Id);
        await node.IngestAsync(Envelopes.UniqueWazuh(1));

        var rotated = await admin.RotateNodeTokenAsync(enrolled.NodeId);

        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => node.IngestAsync(Envelopes.UniqueWazuh(1)), "unauthorized");
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => node.HeartbeatAsync(new NodeVitals()));
        Assert.Equal(1, (await core.As(rotated.Token).IngestAsync(Envelopes.UniqueWazuh(1))).Accepted);
        var audit = await admin.ListAuditAsync(action: "node.rotate_token", clientId: client.Id);
        Assert.Single(audit.Items);
    }

    [Fact]
    public async Task MissingOrUnknownToken_Gets401()
    {
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => core.Anonymous().IngestAsync(Envelopes.UniqueWazuh(1)), "unauthorized");
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => core.As("socme_node_" + new string('x', 43)).IngestAsync(Envelopes.UniqueWazuh(1)));
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => core.As("not-a-socme-token-at-all").ListAlertsAsync());
    }

    [Fact]
    public async Task WholeRequestErrors_HaveTheirStatusAndCode()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"),
            await PostAsync(node, "{}", "application/json"));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "unsupported_content_encoding"),
            await PostAsync(node, Envelopes.UniqueWazuh(1)[0], "application/x-ndjson", encoding: "br"));
        Assert.Equal((HttpStatusCode.BadRequest, "malformed_request"),
            await PostAsync(node, "\n\n", "application/x-ndjson"));
        Assert.Equal((HttpStatusCode.BadRequest, "malformed_request"),
            await PostAsync(node, "this is not gzip", "application/x-ndjson", encoding: "gzip"));
    }

    [Fact]
    public async Task OversizedBody_Gets413_PlainAndGzip()
    {
        await using var small = new CoreFactory().Setting("Ingest:MaxBodyBytes", "8192");
        await ((IAsyncLifetime)small).InitializeAsync();
        var admin = await small.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await small.NodeAsync(admin, client.Id);
        var big = Envelopes.UniqueWazuh(40);

        await ApiAssert.FailsAsync(HttpStatusCode.RequestEntityTooLarge, () => node.IngestAsync(big), "payload_too_large");
        await ApiAssert.FailsAsync(HttpStatusCode.RequestEntityTooLarge, () => node.IngestAsync(big, gzip: true), "payload_too_large");
        Assert.Equal(2, (await node.IngestAsync(big.Take(2))).Accepted);
        await ((IAsyncLifetime)small).DisposeAsync();
    }

    [Fact]
    public async Task WhenTheCoreIsSaturated_ItSheds_With429AndRetryAfter()
    {
        // Real Kestrel and a raw socket: the held request says "Expect: 100-continue", and Kestrel answers
        // "100 Continue" only when the endpoint starts reading the body, i.e. once it holds the only ingest permit.
        await using var tiny = new CoreFactory().Setting("Ingest:MaxConcurrentRequests", "1").Setting("Ingest:QueueLimit", "0");
        tiny.UseKestrel(0);
        await ((IAsyncLifetime)tiny).InitializeAsync();
        var admin = await tiny.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, enrolled) = await tiny.NodeAsync(admin, client.Id);
        var body = Encoding.UTF8.GetBytes(string.Join('\n', Envelopes.UniqueWazuh(50)) + "\n");
        var address = node.Http.BaseAddress!;

        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/v1/ingest/alerts HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {enrolled.Token}\r\n" +
            $"Content-Type: application/x-ndjson\r\nContent-Length: {body.Length}\r\nExpect: 100-continue\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.FlushAsync();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var interim = await reader.ReadLineAsync();
        Assert.Equal("HTTP/1.1 100 Continue", interim);

        var shed = await ApiAssert.FailsAsync(HttpStatusCode.TooManyRequests, () => node.IngestRawAsync(body), "too_many_requests");

        await stream.WriteAsync(body);
        await stream.FlushAsync();
        string? statusLine;
        do
        {
            statusLine = await reader.ReadLineAsync();
        }
        while (statusLine is "");
        Assert.True(shed.RetryAfter >= TimeSpan.FromSeconds(1), $"Retry-After was {shed.RetryAfter}");
        Assert.Equal("HTTP/1.1 200 OK", statusLine);
        await ((IAsyncLifetime)tiny).DisposeAsync();
    }

    private static async Task<(HttpStatusCode, string?)> PostAsync(SocmeClient node, string body, string contentType, string? encoding = null)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }
        using var response = await node.Http.PostAsync("api/v1/ingest/alerts", content);
        var error = response.IsSuccessStatusCode ? null : await SocmeClient.ErrorAsync(response);
        return (response.StatusCode, error?.Code);
    }
}
