using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>One-time, short-lived enrolment codes exchanged for a node token; failures audited.</summary>
public sealed class EnrollmentTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    [Fact]
    public async Task Enroll_WithAFreshCode_GivesATokenAndPinsHostKeys()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var created = await admin.CreateNodeAsync(client.Id, new CreateNodeRequest("edge-1"));

        var enrolled = await core.Anonymous().EnrollAsync(new EnrollRequest(created.EnrollmentCode, "edge-1.acme.lan",
            ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne one", "ecdsa-sha2-nistp256 AAAAE2VjZHNh two"], "0.1.0"));

        Assert.Equal((created.Id, client.Id), (enrolled.NodeId, enrolled.ClientId));
        Assert.StartsWith("socme_node_", enrolled.Token, StringComparison.Ordinal);
        var node = await admin.GetNodeAsync(created.Id);
        Assert.Equal("edge-1.acme.lan", node.Hostname);
        Assert.Equal(2, node.SshHostKeys.Count);
        Assert.Equal(NodeStatus.NeverSeen, node.Status);
        Assert.Null(node.EnrollmentExpiresAt);
    }

    [Fact]
    public async Task UsedOrUnknownCode_Is400_AndAudited()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var created = await admin.CreateNodeAsync(client.Id, new CreateNodeRequest("edge-2"));
        await core.Anonymous().EnrollAsync(new EnrollRequest(created.EnrollmentCode, "h"));

        await ApiAssert.FailsAsync(HttpStatusCode.BadRequest, () => core.Anonymous().EnrollAsync(new EnrollRequest(created.EnrollmentCode, "h")), "enrollment_code_invalid");
        await ApiAssert.FailsAsync(HttpStatusCode.BadRequest, () => core.Anonymous().EnrollAsync(new EnrollRequest("SOCME-NOPE", "h")), "enrollment_code_invalid");

        var failures = (await admin.ListAuditAsync(action: "node.enroll", limit: 1000)).Items.Where(a => !a.Success).ToList();
        Assert.Contains(failures, a => a.ClientId == client.Id && a.Details!.Contains("already_used", StringComparison.Ordinal));
        Assert.Contains(failures, a => a.ClientId is null && a.Details!.Contains("unknown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiredCode_Is400_AndAuditedAsExpired()
    {
        await using var timed = new CoreFactory().WithManualTime(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await ((IAsyncLifetime)timed).InitializeAsync();
        var admin = await timed.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var created = await admin.CreateNodeAsync(client.Id, new CreateNodeRequest("late"));

        timed.Time!.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await ApiAssert.FailsAsync(HttpStatusCode.BadRequest, () => timed.Anonymous().EnrollAsync(new EnrollRequest(created.EnrollmentCode, "h")), "enrollment_code_invalid");
        var failure = Assert.Single((await admin.ListAuditAsync(action: "node.enroll")).Items);
        Assert.False(failure.Success);
        Assert.Contains("expired", failure.Details, StringComparison.Ordinal);
        var fresh = await admin.NewEnrollmentCodeAsync(created.Id);
        Assert.Equal(created.Id, (await timed.Anonymous().EnrollAsync(new EnrollRequest(fresh.EnrollmentCode, "h"))).NodeId);
        await ((IAsyncLifetime)timed).DisposeAsync();
    }

    [Fact]
    public async Task BadHostKeys_Are422()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var created = await admin.CreateNodeAsync(client.Id, new CreateNodeRequest("edge-3"));

        await ApiAssert.FailsAsync((HttpStatusCode)422, () => core.Anonymous().EnrollAsync(new EnrollRequest(created.EnrollmentCode, "h", ["not a key"])), "validation_failed");
    }

    [Fact]
    public async Task EnrollmentAttempts_AreRateLimitedPerAddress()
    {
        await using var limited = new CoreFactory().Setting("Fleet:EnrollmentAttemptsPerMinute", "3");
        await ((IAsyncLifetime)limited).InitializeAsync();
        var anonymous = limited.Anonymous();
        for (var i = 0; i < 3; i++)
        {
            await ApiAssert.FailsAsync(HttpStatusCode.BadRequest, () => anonymous.EnrollAsync(new EnrollRequest("SOCME-GUESS" + i, "h")));
        }

        var e = await ApiAssert.FailsAsync(HttpStatusCode.TooManyRequests, () => anonymous.EnrollAsync(new EnrollRequest("SOCME-GUESS9", "h")), "too_many_requests");
        Assert.NotNull(e.RetryAfter);
        await ((IAsyncLifetime)limited).DisposeAsync();
    }
}
