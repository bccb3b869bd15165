using System.Text.Json;
using Microsoft.Extensions.Logging;
using Socme.Node.Checkpoints;
using Socme.Node.DeadLetters;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

public sealed class NodeShipperTests
{
    private static string[] Wazuh(int from, int count, string? extra = null) =>
        [.. Enumerable.Range(from, count).Select(n => Lines.Wazuh(n, level: 7, extra: extra))];

    [Fact]
    public async Task ABatch_IsGzipNdjson_WithTheTokenAndAnIdempotencyKey_AndItsAckEmptiesTheSpool()
    {
        await using var core = FakeCore.Start();
        await using var rig = new ShipperRig(core.BaseAddress);
        var lines = Wazuh(1, 3);
        var keys = rig.Spool(lines);
        var first = rig.Spooler.Cursor;

        rig.Start();
        var request = await core.NextRequestAsync();
        await rig.DrainedAsync();

        Assert.Equal(("POST", "/api/v1/ingest/alerts"), (request.Method, request.Path));
        Assert.Equal("Bearer tok-1", request.Authorization);
        Assert.Equal("gzip", request.ContentEncoding);
        Assert.Equal("application/x-ndjson", request.ContentType);
        Assert.Equal($"{rig.Spooler.SpoolId}-{first.Segment}-{first.Offset}", request.IdempotencyKey);
        Assert.Equal(keys, request.Keys);
        Assert.Equal(lines, request.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("raw").GetRawText()));
        Assert.Equal(3, rig.Source.AlertsShipped);
        Assert.Equal(rig.Source.Spooled, rig.Source.Acked);
        Assert.NotNull(rig.Status.LastAckAt);
    }

    [Fact]
    public async Task Acked_FollowsTheLastAcknowledgedRecord_ThenCatchesUpWithSpooled()
    {
        await using var core = FakeCore.Start();
        var lines = Wazuh(1, 3);
        var refused = 0;
        // The second line's batch is refused once (two batches may be in flight: by content, not by arrival order).
        core.Handler = r => r.Lines.Any(l => l.Contains(lines[1], StringComparison.Ordinal)) && Interlocked.Increment(ref refused) == 1
            ? FakeResponse.Problem(503, "unavailable", "Later.", new Dictionary<string, string> { ["Retry-After"] = "5" })
            : FakeResponse.Accept(r);
        await using var rig = new ShipperRig(core.BaseAddress, o => o.BatchMaxCount = 1);
        rig.Spool(lines);
        var spooled = rig.Source.Spooled;

        rig.Start();
        await rig.Clock.NextTimerAsync();

        Assert.Equal(lines[0].Length + 1, rig.Source.Acked!.Value.Offset);
        Assert.Equal(lines[0].Length + 1, new CheckpointStore(rig.Dir["checkpoints"]).Load("wazuh", out _)!.Acked!.Value.Offset);
        Assert.Equal(2, rig.Spooler.Stats().Records);

        rig.Clock.Advance(TimeSpan.FromSeconds(5));
        await rig.DrainedAsync();
        Assert.Equal(spooled, rig.Source.Acked);
    }

    [Fact]
    public async Task TheNextBatch_LeavesBeforeTheAnswerToThePreviousOne()
    {
        await using var core = FakeCore.Start();
        var lines = Wazuh(1, 3);
        var secondArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first batch is answered only once the second has arrived: without a second batch in flight, this hangs.
        core.AsyncHandler = async r =>
        {
            if (r.Lines.Any(l => l.Contains(lines[1], StringComparison.Ordinal)))
            {
                secondArrived.TrySetResult();
            }
            else if (r.Lines.Any(l => l.Contains(lines[0], StringComparison.Ordinal)))
            {
                await secondArrived.Task.WaitAsync(TimeSpan.FromSeconds(20));
            }
            return FakeResponse.Accept(r);
        };
        await using var rig = new ShipperRig(core.BaseAddress, o => o.BatchMaxCount = 1);
        var keys = rig.Spool(lines);

        rig.Start();
        await rig.DrainedAsync();

        Assert.Equal(keys.Order(), core.AcceptedKeys.Order());
        Assert.Equal(3, core.Requests.Count);
        Assert.Equal(rig.Source.Spooled, rig.Source.Acked);
    }

    [Fact]
    public async Task ALaterBatchAccepted_IsNotAcknowledged_BeforeAnEarlierOneThatFailed()
    {
        await using var core = FakeCore.Start();
        var lines = Wazuh(1, 2);
        var refused = 0;
        core.Handler = r => r.Lines.Any(l => l.Contains(lines[0], StringComparison.Ordinal)) && Interlocked.Increment(ref refused) == 1
            ? FakeResponse.Problem(503, "unavailable", "Later.", new Dictionary<string, string> { ["Retry-After"] = "5" })
            : FakeResponse.Accept(r);
        await using var rig = new ShipperRig(core.BaseAddress, o => o.BatchMaxCount = 1);
        var keys = rig.Spool(lines);

        rig.Start();
        await core.WaitForKeysAsync([keys[1]]);
        Assert.Equal(TimeSpan.FromSeconds(5), await rig.Clock.NextTimerAsync());

        // The core holds the second line, but neither the cursor nor the checkpoint may pass the first.
        Assert.Null(rig.Source.Acked);
        Assert.Null(new CheckpointStore(rig.Dir["checkpoints"]).Load("wazuh", out _)?.Acked);
        Assert.Equal(2, rig.Spooler.Stats().Records);

        rig.Clock.Advance(TimeSpan.FromSeconds(5));
        await rig.DrainedAsync();
        Assert.Equal(keys.Order(), core.AcceptedKeys.Order());
        Assert.Equal(rig.Source.Spooled, rig.Source.Acked);
        Assert.Equal(3, core.Requests.Count);
    }

    [Fact]
    public async Task RejectedLines_AreDeadLettered_AndTheRestIsAcknowledged()
    {
        await using var core = FakeCore.Start();
        core.Handler = r => FakeResponse.Accept(r, (2, "wrong_shape", "The Wazuh alert has no parseable timestamp."));
        await using var rig = new ShipperRig(core.BaseAddress);
        var lines = Wazuh(1, 3);
        var keys = rig.Spool(lines);

        rig.Start();
        await rig.DrainedAsync();

        var letter = JsonDocument.Parse(Assert.Single(File.ReadAllLines(rig.DeadLetters.FilePath))).RootElement;
        Assert.Equal("wrong_shape", letter.GetProperty("code").GetString());
        Assert.Equal("The Wazuh alert has no parseable timestamp.", letter.GetProperty("reason").GetString());
        Assert.Equal("wazuh", letter.GetProperty("source").GetString());
        Assert.Equal(lines[1], letter.GetProperty("line").GetString());
        Assert.Equal(lines[0].Length + lines[1].Length + 2, letter.GetProperty("position").GetProperty("offset").GetInt64());
        Assert.Equal([keys[0], keys[2]], core.AcceptedKeys.Order());
        Assert.Equal((2L, 1L, 1L), (rig.Source.AlertsShipped, rig.Source.Rejected, rig.Source.DeadLettered));
    }

    [Fact]
    public async Task PayloadTooLarge_SplitsTheBatch_UntilEachPartFits()
    {
        await using var core = FakeCore.Start();
        core.Handler = r => r.Lines.Count > 2 ? FakeResponse.Problem(413, "payload_too_large", "Too large.") : FakeResponse.Accept(r);
        await using var rig = new ShipperRig(core.BaseAddress);
        var keys = rig.Spool(Wazuh(1, 5));

        rig.Start();
        await rig.DrainedAsync();

        Assert.Equal([5, 2, 3, 1, 2], core.Requests.Select(r => r.Lines.Count));
        Assert.Equal(keys.Order(), core.AcceptedKeys.Order());
        Assert.Equal(5, core.AcceptedLines);
        var accepted = core.Requests.Where(r => r.Lines.Count <= 2).ToList();
        Assert.Equal(accepted.Count, accepted.Select(r => r.IdempotencyKey).Distinct().Count());
        Assert.False(File.Exists(rig.DeadLetters.FilePath));
    }

    [Fact]
    public async Task PayloadTooLarge_ForOneLine_DeadLettersThatLineAlone()
    {
        await using var core = FakeCore.Start();
        core.Handler = r => r.Lines.Any(l => l.Contains("HUGE", StringComparison.Ordinal)) ? FakeResponse.Problem(413, "payload_too_large", "Too large.") : FakeResponse.Accept(r);
        await using var rig = new ShipperRig(core.BaseAddress);
        var keys = rig.Spool([Lines.Wazuh(1, 7), Lines.Wazuh(2, 7, extra: "HUGE"), Lines.Wazuh(3, 7)]);

        rig.Start();
        await rig.DrainedAsync();

        Assert.Equal([keys[0], keys[2]], core.AcceptedKeys.Order());
        var letter = JsonDocument.Parse(Assert.Single(File.ReadAllLines(rig.DeadLetters.FilePath))).RootElement;
        Assert.Equal(DeadLetterCodes.PayloadTooLarge, letter.GetProperty("code").GetString());
        Assert.Contains("HUGE", letter.GetProperty("line").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyRequests_WaitsExactlyForRetryAfter()
    {
        await using var core = FakeCore.Start();
        var calls = 0;
        core.Handler = r => Interlocked.Increment(ref calls) == 1
            ? FakeResponse.Problem(429, "too_many_requests", "Busy.", new Dictionary<string, string> { ["Retry-After"] = "7" })
            : FakeResponse.Accept(r);
        await using var rig = new ShipperRig(core.BaseAddress);
        rig.Spool(Wazuh(1, 2));

        rig.Start();
        await core.NextRequestAsync();
        Assert.Equal(TimeSpan.FromSeconds(7), await rig.Clock.NextTimerAsync());

        rig.Clock.Advance(TimeSpan.FromSeconds(6.9));
        Assert.Single(core.Requests);

        rig.Clock.Advance(TimeSpan.FromSeconds(0.1));
        await core.NextRequestAsync();
        await rig.DrainedAsync();
        Assert.Equal(2, core.AcceptedKeys.Count);
    }

    [Fact]
    public async Task ServiceUnavailable_WithAnHttpDate_WaitsUntilThatDate()
    {
        await using var core = FakeCore.Start();
        var calls = 0;
        await using var rig = new ShipperRig(core.BaseAddress);
        var at = rig.Clock.GetUtcNow().AddSeconds(30).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        core.Handler = r => Interlocked.Increment(ref calls) == 1
            ? FakeResponse.Problem(503, "unavailable", "Starting.", new Dictionary<string, string> { ["Retry-After"] = at })
            : FakeResponse.Accept(r);
        rig.Spool(Wazuh(1, 1));

        rig.Start();
        await core.NextRequestAsync();
        Assert.Equal(TimeSpan.FromSeconds(30), await rig.Clock.NextTimerAsync());
        rig.Clock.Advance(TimeSpan.FromSeconds(30));
        await rig.DrainedAsync();
    }

    [Fact]
    public async Task ServerErrors_BackOffExponentially_WithJitter_BetweenTheBounds()
    {
        await using var core = FakeCore.Start();
        var calls = 0;
        core.Handler = r => Interlocked.Increment(ref calls) <= 8 ? FakeResponse.Problem(500, "internal_error", "Oops.") : FakeResponse.Accept(r);
        await using var rig = new ShipperRig(core.BaseAddress, o =>
        {
            o.RetryMinDelay = TimeSpan.FromSeconds(1);
            o.RetryMaxDelay = TimeSpan.FromSeconds(20);
        });
        rig.Spool(Wazuh(1, 1));

        rig.Start();
        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            await core.NextRequestAsync();
            var delay = await rig.Clock.NextTimerAsync();
            Assert.InRange(delay, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(Math.Min(20, Math.Pow(2, attempt))));
            delays.Add(delay);
            rig.Clock.Advance(delay);
        }
        await rig.DrainedAsync();

        Assert.True(delays.Distinct().Count() > 4, "jitter: the delays differ");
        Assert.True(delays.Skip(4).Max() > TimeSpan.FromSeconds(4), "the delays grow");
        Assert.Single(rig.Log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(rig.Log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("accepts alerts again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unauthorized_PausesWithOneMessage_AndResumesWhenTheTokenIsReplaced()
    {
        await using var core = FakeCore.Start();
        core.Handler = r => r.Authorization == "Bearer tok-2" ? FakeResponse.Accept(r) : FakeResponse.Problem(401, "unauthorized", "The token was rotated.");
        await using var rig = new ShipperRig(core.BaseAddress);
        var keys = rig.Spool(Wazuh(1, 2));

        rig.Start();
        await core.NextRequestAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(2), await rig.Clock.NextTimerAsync());
            rig.Clock.Advance(TimeSpan.FromSeconds(2));
        }
        await rig.Clock.NextTimerAsync();

        Assert.Single(core.Requests);
        Assert.True(rig.Status.ShippingPaused);
        Assert.Contains("401", rig.Status.PausedReason, StringComparison.Ordinal);
        var error = Assert.Single(rig.Log.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains("refused the node token", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, rig.Spooler.Stats().Records);

        // Another wrong token: tried once, refused again, and no second message.
        rig.Tokens.Write("tok-wrong");
        rig.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("Bearer tok-wrong", (await core.NextRequestAsync()).Authorization);
        Assert.Equal(TimeSpan.FromSeconds(2), await rig.Clock.NextTimerAsync());
        Assert.Single(rig.Log.Entries, e => e.Level >= LogLevel.Warning);

        rig.Tokens.Write("tok-2");
        rig.Clock.Advance(TimeSpan.FromSeconds(2));
        var retried = await core.NextRequestAsync();
        await rig.DrainedAsync();

        Assert.Equal("Bearer tok-2", retried.Authorization);
        Assert.Equal(keys.Order(), core.AcceptedKeys.Order());
        Assert.False(rig.Status.ShippingPaused);
        Assert.Single(rig.Log.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains(rig.Log.Entries, e => e.Message.Contains("shipping resumed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnreachableCore_LeavesTheAlertsInTheSpool_ThenTheSpoolDrainsWithoutWaiting()
    {
        var port = FakeCore.FreePort();
        await using var rig = new ShipperRig(new Uri($"http://127.0.0.1:{port}/"), o => o.BatchMaxCount = 2);
        var keys = rig.Spool(Wazuh(1, 3)).ToList();

        rig.Start();
        var backoff = await rig.Clock.NextTimerAsync();
        keys.AddRange(rig.Spool(Wazuh(4, 4)));
        Assert.Equal(7, rig.Spooler.Stats().Records);
        Assert.Contains("cannot reach the core", rig.Status.LastError, StringComparison.Ordinal);

        await using var core = FakeCore.Start(port);
        rig.Clock.Advance(backoff);
        await core.WaitForKeysAsync(keys);
        await rig.DrainedAsync();

        Assert.Equal([2, 2, 2, 1], core.Requests.Select(r => r.Lines.Count));
        Assert.False(rig.Clock.HasUnobservedTimer, "the drain does not wait on the clock");
        Assert.Equal(7, rig.Source.AlertsShipped);
    }
}
