using System.Net;
using System.Net.Sockets;
using Socme.Integrations.Tests.Fakes;
using Socme.Integrations.Tests.Support;
using Socme.Integrations.TheHive;

namespace Socme.Integrations.Tests;

/// <summary>Retry versus permanent failure, and the API key kept out of reasons and logs.</summary>
public sealed class EscalationFailureTests
{
    [Fact]
    public async Task EscalateAsync_WrongKey_FailedWithClearReasonWithoutTheKey()
    {
        await using var fake = await TheHiveFake.StartAsync();
        const string wrongKey = "wrong-key-SECRET-9f8e7d";
        using var sut = new ClientUnderTest(fake.BaseUrl, wrongKey);

        var result = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Failed, result.Outcome);
        Assert.Equal(401, result.StatusCode);
        Assert.Contains("API key", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, result.Reason, StringComparison.Ordinal);
        Assert.NotEmpty(sut.Logger.Messages);
        Assert.DoesNotContain(sut.Logger.Messages, m => m.Contains(wrongKey, StringComparison.Ordinal));
        Assert.Empty(fake.Alerts);
    }

    [Fact]
    public async Task EscalateAsync_ReasonWouldContainTheKey_KeyScrubbedFromReasonAndLogs()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake, o => o.Organisation = "Unknown " + fake.ApiKey);

        var result = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Failed, result.Outcome);
        Assert.Equal(403, result.StatusCode);
        Assert.Contains("Unknown ***", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(fake.ApiKey, result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(sut.Logger.Messages, m => m.Contains(fake.ApiKey, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(408)]
    public async Task EscalateAsync_TransientStatus_RetryThenCreatedOnTheNextCall(int status)
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.FailNext(status);
        using var sut = new ClientUnderTest(fake);

        var first = await sut.Client.EscalateAsync(Sample.Input());
        var second = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Retry, first.Outcome);
        Assert.Equal(status, first.StatusCode);
        Assert.Null(first.RetryAfter);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), first.Reason, StringComparison.Ordinal);
        Assert.Equal(EscalationOutcome.Created, second.Outcome);
        Assert.Single(fake.Alerts);
    }

    [Fact]
    public async Task EscalateAsync_429WithRetryAfterSeconds_RetryWithThatDelay()
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.FailNext(429, retryAfter: "7");
        using var sut = new ClientUnderTest(fake);

        var result = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Retry, result.Outcome);
        Assert.Equal(429, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Fact]
    public async Task EscalateAsync_429WithRetryAfterDate_DelayMeasuredOnTheInjectedClock()
    {
        await using var fake = await TheHiveFake.StartAsync();
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        fake.FailNext(429, retryAfter: now.AddSeconds(90).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        using var sut = new ClientUnderTest(fake, time: new ManualTimeProvider(now));

        var result = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Retry, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(90), result.RetryAfter);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(413)]
    [InlineData(422)]
    public async Task EscalateAsync_OtherClientError_FailedPermanently(int status)
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.FailNext(status);
        using var sut = new ClientUnderTest(fake);

        var result = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Failed, result.Outcome);
        Assert.Equal(status, result.StatusCode);
        Assert.Contains("injected failure", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EscalateAsync_NothingListening_RetryWithoutStatus()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var sut = new ClientUnderTest(new Uri($"http://127.0.0.1:{port}/"), TheHiveFake.DefaultApiKey);

        var result = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Retry, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Contains("unreachable", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(TheHiveFake.DefaultApiKey, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EscalateAsync_NoAnswerWithinTimeout_Retry()
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.HoldRequests();
        using var sut = new ClientUnderTest(fake, o => o.Timeout = TimeSpan.FromSeconds(1));

        var result = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Retry, result.Outcome);
        Assert.Contains("no answer within 1 s", result.Reason, StringComparison.Ordinal);
        Assert.Empty(fake.Alerts);
    }

    [Fact]
    public async Task EscalateAsync_CallerCancels_Throws()
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.HoldRequests();
        using var sut = new ClientUnderTest(fake);
        using var cts = new CancellationTokenSource();

        var escalation = sut.Client.EscalateAsync(Sample.Input(), cts.Token);
        await fake.WaitForRequestsAsync(1).WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => escalation);
    }

    [Theory]
    [InlineData(null, "key", "base URL")]
    [InlineData("ftp://thehive.example/", "key", "base URL")]
    [InlineData("http://thehive.example/", "", "API key is not set")]
    [InlineData("http://thehive.example/", "two words", "spaces")]
    [InlineData("http://thehive.example/", "clé", "non-ASCII")]
    public async Task EscalateAsync_UnusableOptions_FailedWithoutARequest(string? baseUrl, string key, string reason)
    {
        using var http = new HttpClient(new ThrowingHandler());
        var client = new TheHiveClient(http, new TheHiveOptions { BaseUrl = baseUrl is null ? null : new Uri(baseUrl), ApiKey = key });

        var result = await client.EscalateAsync(Sample.Input());
        var test = await client.TestConnectionAsync();

        Assert.Equal(EscalationOutcome.Failed, result.Outcome);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
        Assert.False(test.Success);
        Assert.Contains(reason, test.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EscalateAsync_NonAsciiOrganisation_FailedWithoutARequest()
    {
        using var http = new HttpClient(new ThrowingHandler());
        var options = new TheHiveOptions { BaseUrl = new Uri("http://thehive.example/"), ApiKey = "k", Organisation = "Société" };

        var result = await new TheHiveClient(http, options).EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Failed, result.Outcome);
        Assert.Contains("X-Organisation", result.Reason, StringComparison.Ordinal);
    }

    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no request expected");
    }
}
