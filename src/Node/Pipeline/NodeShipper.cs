using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Socme.Client;
using Socme.Node.DeadLetters;
using Socme.Node.Enrollment;
using Socme.Node.Spool;
using Socme.Node.Status;

namespace Socme.Node.Pipeline;

/// <summary>What the core's answer to one upload means for the shipper.</summary>
internal enum ShipOutcomeKind
{
    /// <summary>200: the batch landed (some lines may be rejected).</summary>
    Accepted,
    /// <summary>413, 400, 422: the request as a whole is refused; split it, down to single lines.</summary>
    Split,
    /// <summary>401, 403: the token is refused; pause until it is replaced.</summary>
    Unauthorized,
    /// <summary>Anything else: retry the same batch later.</summary>
    Retry,
}

internal readonly record struct ShipOutcome(ShipOutcomeKind Kind, string Reason, IngestResult? Result = null, string? Code = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Reads batches from the spool and uploads them to the core (<c>POST api/v1/ingest/alerts</c>, gzip NDJSON, bearer
/// node token, <c>Idempotency-Key</c> = spool id and position of the batch's first record), in spool order, the next
/// batch leaving while the core works on the previous one (<see cref="PipelineSettings.MaxInFlight"/>); answers are
/// handled in spool order, so acknowledgements never pass an unanswered batch. On 200 the rejected lines are dead-lettered, then the spool is acknowledged and the sources'
/// <c>acked</c> checkpoints move. 413 (and 400/422) split the batch; a single refused line is dead-lettered.
/// 401/403 pause shipping with one log message until the token file changes. 429/503 wait for <c>Retry-After</c>;
/// other failures back off exponentially with jitter between RetryMinDelay and RetryMaxDelay.
/// </summary>
internal sealed class NodeShipper : IDisposable
{
    public const string IngestPath = "api/v1/ingest/alerts";
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    private readonly DiskSpool _spool;
    private readonly IReadOnlyDictionary<string, SourceState> _sources;
    private readonly DeadLetterWriter _deadLetters;
    private readonly TokenStore _tokens;
    private readonly HttpClient _http;
    private readonly PipelineStatus _status;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    // Batches in flight (sent, answer not yet handled), oldest first, at most PipelineSettings.MaxInFlight; answers are
    // handled in this order, so acknowledgements stay in spool order. `_filling` takes records; `_free` are idle.
    private readonly Queue<InFlight> _inFlight = new();
    private readonly Stack<Batch> _free = new();
    private Batch? _filling;
    private (SpoolRecordInfo Info, byte[] Envelope)? _carry;

    private string? _token;
    private int _failures;
    private bool _paused;

    // Counts the recoveries (a batch delivered after failures or a pause): a batch sent before the last recovery whose
    // request failed is sent again at once, without a backoff of its own (its failure belongs to the outage just over).
    private int _recoveries;

    // Acknowledgements are made durable (the sources' `acked` checkpoints, then the spool cursor) by a write-behind task
    // while the next batch is being sent: each is an atomic file replacement with two fsyncs, too slow to wait for after
    // every batch. Acks that arrive while one is being written are merged and written together. The shipper waits for
    // the writes to finish before it waits for anything else (new records, a delay, a backoff, a token).
    private readonly Lock _ackGate = new();
    private PendingAck? _queuedAck;
    private Task _ackWriting = Task.CompletedTask;
    private bool _ackWriterRunning;

    public NodeShipper(DiskSpool spool, IReadOnlyDictionary<string, SourceState> sources, DeadLetterWriter deadLetters, TokenStore tokens,
        HttpClient http, PipelineStatus status, PipelineSettings settings, TimeProvider time, ILogger log)
    {
        _spool = spool;
        _sources = sources;
        _deadLetters = deadLetters;
        _tokens = tokens;
        _http = http;
        _status = status;
        _settings = settings;
        _time = time;
        _log = log;
        for (var i = 0; i < Math.Max(1, settings.MaxInFlight); i++)
        {
            _free.Push(new Batch(settings.Node.BatchMaxBytes));
        }
    }

    /// <summary>Requests sent (for tests and diagnostics).</summary>
    public long Requests { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            _token = _tokens.Read();
            if (_token is null)
            {
                await PauseForTokenAsync($"No node token in {_tokens.FilePath}: enrol this node (socme-node enroll).", ct);
            }
            while (!ct.IsCancellationRequested)
            {
                if (_inFlight.Count == 0)
                {
                    var batch = _filling ??= _free.Pop();
                    await FillBatchAsync(batch, ct);
                    Launch(batch, ct);
                }
                else if (!HeadFailedBeforeRecovery() && (_filling is not null || _free.Count > 0) && FillNow(_filling ??= _free.Pop()))
                {
                    // The next batch leaves while the core works on the previous one(s).
                    Launch(_filling, ct);
                }
                else
                {
                    var head = _inFlight.Dequeue();
                    await ShipBatchAsync(head, ct);
                    head.Batch.Clear();
                    _free.Push(head.Batch);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the batches in flight were not acknowledged and are sent again after a restart.
        }
        finally
        {
            foreach (var f in _inFlight)
            {
                // Nobody handles these answers any more; observe a failure so that it is not reported as unobserved.
                _ = f.Outcome.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
            await FlushAcksAsync();
        }
    }

    /// <summary>The oldest batch in flight failed (network, 5xx, 401…) but was sent before the last recovery: it is
    /// handled before anything else leaves, so that it can still take the records waiting behind it.</summary>
    private bool HeadFailedBeforeRecovery() =>
        _inFlight.Peek() is { } head && head.Recoveries != _recoveries && head.Outcome.IsCompletedSuccessfully
        && head.Outcome.Result.Kind is ShipOutcomeKind.Retry or ShipOutcomeKind.Unauthorized;

    /// <summary>Sends the whole batch; its answer is handled (in order) by <see cref="ShipBatchAsync"/>.</summary>
    private void Launch(Batch batch, CancellationToken ct)
    {
        _filling = null;
        _inFlight.Enqueue(new InFlight(batch, SendAsync(batch, 0, batch.Count, ct), _recoveries));
    }

    /// <summary>Fills the batch, waiting for records: returns when it is full or its oldest record has waited
    /// <c>BatchMaxDelay</c>.</summary>
    private async Task FillBatchAsync(Batch batch, CancellationToken ct)
    {
        var node = _settings.Node;
        while (true)
        {
            var published = _spool.DataPublished;
            if (FillFromSpool(batch))
            {
                return;
            }
            if (batch.Count == 0)
            {
                await FlushAcksAsync();
                await published.WaitAsync(ct);
                continue;
            }
            batch.FirstAt ??= _time.GetTimestamp();
            var left = node.BatchMaxDelay - _time.GetElapsedTime(batch.FirstAt.Value);
            if (left <= TimeSpan.Zero)
            {
                return;
            }
            await FlushAcksAsync();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = Task.Delay(left, _time, cts.Token);
            await Task.WhenAny(published, delay);
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Fills the batch from what is published, without waiting; true when it should leave now (full, or its
    /// oldest record has waited <c>BatchMaxDelay</c>).</summary>
    private bool FillNow(Batch batch)
    {
        if (FillFromSpool(batch))
        {
            return true;
        }
        if (batch.Count == 0)
        {
            return false;
        }
        batch.FirstAt ??= _time.GetTimestamp();
        return _time.GetElapsedTime(batch.FirstAt.Value) >= _settings.Node.BatchMaxDelay;
    }

    /// <summary>Adds published records until the batch is full (count or bytes); true when it is.</summary>
    private bool FillFromSpool(Batch batch)
    {
        var node = _settings.Node;
        if (_carry is { } carried)
        {
            _carry = null;
            batch.Add(carried.Info, carried.Envelope);
        }
        while (batch.Count < node.BatchMaxCount && _spool.TryRead(out var info, out var envelope))
        {
            if (batch.Count > 0 && batch.Length + envelope.Length + 1 > node.BatchMaxBytes)
            {
                _carry = (info, envelope.ToArray());
                return true;
            }
            batch.Add(info, envelope);
        }
        return batch.Count >= node.BatchMaxCount || batch.Length >= node.BatchMaxBytes;
    }

    /// <summary>Handles the answers for a batch sent by <see cref="Launch"/> until all its records are acknowledged
    /// (or dead-lettered): splits, backoffs, a pause for the token, each part sent again one at a time.</summary>
    private async Task ShipBatchAsync(InFlight sent, CancellationToken ct)
    {
        var batch = sent.Batch;
        var first = await sent.Outcome;
        if (first.Kind is ShipOutcomeKind.Retry or ShipOutcomeKind.Unauthorized && sent.Recoveries != _recoveries)
        {
            // Sent while an earlier batch was failing, and that outage is over: try again now, without a backoff of its
            // own, and (when nothing was taken after it) as a full batch, as the backlog leaves after an outage.
            if (_inFlight.Count == 0 && _filling is not { Count: > 0 })
            {
                FillFromSpool(batch);
            }
            first = await SendAsync(batch, 0, batch.Count, ct);
        }
        var work = new Stack<(int Start, int Count)>();
        work.Push((0, batch.Count));
        ShipOutcome? pending = first;
        while (work.Count > 0)
        {
            var (start, count) = work.Peek();
            var outcome = pending ?? await SendAsync(batch, start, count, ct);
            pending = null;
            switch (outcome.Kind)
            {
                case ShipOutcomeKind.Accepted:
                    work.Pop();
                    Delivered();
                    await CompleteAsync(batch, start, count, outcome.Result!, ct);
                    break;
                case ShipOutcomeKind.Split:
                    work.Pop();
                    Delivered();
                    if (count > 1)
                    {
                        var half = count / 2;
                        work.Push((start + half, count - half));
                        work.Push((start, half));
                        _log.LogInformation("The core refused a batch of {Count} alerts ({Reason}); sending it in two halves.", count, outcome.Reason);
                    }
                    else
                    {
                        await DeadLetterAsync(batch, [(start, outcome.Code ?? DeadLetterCodes.RefusedByCore, outcome.Reason)], ct);
                        Ack(batch, start, 1, rejected: [start]);
                    }
                    break;
                case ShipOutcomeKind.Unauthorized:
                    await PauseForTokenAsync($"The core refused the node token ({outcome.Reason}).", ct);
                    break;
                default:
                    await BackOffAsync(outcome, ct);
                    break;
            }
        }
    }

    /// <summary>Compresses records [start, start + count) of the batch (synchronously, before the first await) and
    /// posts them.</summary>
    private async Task<ShipOutcome> SendAsync(Batch batch, int start, int count, CancellationToken ct)
    {
        var body = batch.Compress(start, count);
        var first = batch.Records[start].Location;
        using var request = new HttpRequestMessage(HttpMethod.Post, IngestPath);
        var content = new ByteArrayContent(body.Array!, body.Offset, body.Count);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        content.Headers.ContentEncoding.Add("gzip");
        request.Content = content;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", string.Create(CultureInfo.InvariantCulture, $"{_spool.SpoolId}-{first.Segment}-{first.Offset}"));
        _status.Shipped();
        Requests++;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            return await ClassifyAsync(response, ct);
        }
        catch (HttpRequestException e)
        {
            return new ShipOutcome(ShipOutcomeKind.Retry, $"cannot reach the core: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ShipOutcome(ShipOutcomeKind.Retry, $"the core did not answer within {_http.Timeout.TotalSeconds:0} s");
        }
        catch (IOException e)
        {
            return new ShipOutcome(ShipOutcomeKind.Retry, $"connection to the core failed: {e.Message}");
        }
    }

    private async Task<ShipOutcome> ClassifyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.IsSuccessStatusCode)
        {
            try
            {
                var result = JsonSerializer.Deserialize(body, NodeJson.Default.IngestResult);
                if (result is not null)
                {
                    return new ShipOutcome(ShipOutcomeKind.Accepted, "", result with { Rejected = result.Rejected ?? [] });
                }
            }
            catch (JsonException)
            {
                // Not an ingest answer (a proxy's page?): the alerts may not have landed, so retry.
            }
            return new ShipOutcome(ShipOutcomeKind.Retry, $"the core answered {status} without an ingest result");
        }
        var (code, detail) = Problem(body);
        var reason = string.Create(CultureInfo.InvariantCulture, $"{status} {code ?? response.ReasonPhrase}{(detail is null ? "" : ": " + detail)}");
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new ShipOutcome(ShipOutcomeKind.Unauthorized, reason),
            HttpStatusCode.RequestEntityTooLarge => new ShipOutcome(ShipOutcomeKind.Split, reason, Code: DeadLetterCodes.PayloadTooLarge),
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new ShipOutcome(ShipOutcomeKind.Split, reason, Code: DeadLetterCodes.RefusedByCore),
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => new ShipOutcome(ShipOutcomeKind.Retry, reason, RetryAfter: RetryAfter(response)),
            _ => new ShipOutcome(ShipOutcomeKind.Retry, reason),
        };
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? after = header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : null);
        return after is { } a ? (a < TimeSpan.Zero ? TimeSpan.Zero : a > MaxRetryAfter ? MaxRetryAfter : a) : null;
    }

    private static (string? Code, string? Detail) Problem(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var code = doc.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var detail = doc.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                return (code, detail);
            }
        }
        catch (JsonException)
        {
            // Not a ProblemDetails body.
        }
        return (null, null);
    }

    private async Task CompleteAsync(Batch batch, int start, int count, IngestResult result, CancellationToken ct)
    {
        var rejected = new List<(int Index, string Code, string Reason)>();
        foreach (var r in result.Rejected)
        {
            if (r.Line >= 1 && r.Line <= count)
            {
                rejected.Add((start + r.Line - 1, r.Code, r.Reason));
            }
        }
        if (rejected.Count > 0)
        {
            await DeadLetterAsync(batch, rejected, ct);
        }
        _status.Acked();
        Ack(batch, start, count, [.. rejected.Select(r => r.Index)]);
    }

    /// <summary>Writes dead letters for batch records; waits for the disk rather than acknowledge without them.</summary>
    private async Task DeadLetterAsync(Batch batch, IReadOnlyList<(int Index, string Code, string Reason)> lines, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var letters = lines.Select(l =>
        {
            var info = batch.Records[l.Index];
            var raw = RawOf(batch.Envelope(l.Index));
            return DeadLetter.Create(now, info.SourceId, info.Position, l.Code, l.Reason, raw, raw.Length, _settings.DeadLetterLineBytes);
        }).ToList();
        while (true)
        {
            try
            {
                _deadLetters.Write(letters);
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.LogError("Cannot write dead letters to {File}: {Message}; retrying before acknowledging the batch.", _deadLetters.FilePath, e.Message);
                _status.Error($"Cannot write dead letters: {e.Message}");
                await Task.Delay(_settings.DiskRetryDelay, _time, ct);
            }
        }
        foreach (var l in lines)
        {
            if (_sources.TryGetValue(batch.Records[l.Index].SourceId, out var s))
            {
                Interlocked.Increment(ref s.Rejected);
                Interlocked.Increment(ref s.DeadLettered);
            }
        }
    }

    /// <summary>The original line inside an envelope this node wrote: after <c>,"raw":</c>, before the final brace.</summary>
    internal static ReadOnlySpan<byte> RawOf(ReadOnlySpan<byte> envelope)
    {
        var at = envelope.IndexOf("\",\"raw\":"u8);
        return at < 0 || envelope.Length < at + 9 ? envelope : envelope[(at + 8)..^1];
    }

    /// <summary>Records the core's answer for [start, start + count) and queues it for the write-behind task.</summary>
    private void Ack(Batch batch, int start, int count, IReadOnlyCollection<int> rejected)
    {
        var records = batch.Records;
        var ack = new PendingAck { Next = records[start + count - 1].Next, Records = count };
        for (var i = start; i < start + count; i++)
        {
            ack.Bytes += records[i].FrameBytes;
            ack.Add(records[i].SourceId, records[i].Position, 1, rejected.Count > 0 && rejected.Contains(i) ? 0 : 1);
        }
        lock (_ackGate)
        {
            if (_queuedAck is null)
            {
                _queuedAck = ack;
            }
            else
            {
                _queuedAck.Merge(ack);
            }
            if (!_ackWriterRunning)
            {
                // A write that failed unexpectedly fails the shipper here, as it did when acks were written inline.
                if (_ackWriting.IsFaulted)
                {
                    _ackWriting.GetAwaiter().GetResult();
                }
                _ackWriterRunning = true;
                _ackWriting = Task.Run(WriteAcks);
            }
        }
    }

    /// <summary>Waits until every queued acknowledgement is written (rethrows an unexpected failure of the writer).</summary>
    private async Task FlushAcksAsync()
    {
        while (true)
        {
            Task writing;
            lock (_ackGate)
            {
                if (!_ackWriterRunning)
                {
                    break;
                }
                writing = _ackWriting;
            }
            await writing;
        }
        await _ackWriting;
    }

    /// <summary>The write-behind loop: takes what is queued (merged), writes it, until nothing is left.</summary>
    private void WriteAcks()
    {
        try
        {
            while (true)
            {
                PendingAck? ack;
                lock (_ackGate)
                {
                    ack = _queuedAck;
                    _queuedAck = null;
                    if (ack is null)
                    {
                        _ackWriterRunning = false;
                        return;
                    }
                }
                Persist(ack);
            }
        }
        catch
        {
            lock (_ackGate)
            {
                _ackWriterRunning = false;
            }
            throw;
        }
    }

    private void Persist(PendingAck ack)
    {
        // The `acked` checkpoints first: they only state what the core has acknowledged, so they may run ahead of
        // the spool's cursor; the cursor's ack then signals the end of the batch to whoever waits for room.
        var now = _time.GetUtcNow();
        foreach (var (id, last, n, shipped) in ack.Sources)
        {
            if (!_sources.TryGetValue(id, out var state))
            {
                continue;
            }
            Interlocked.Add(ref state.AlertsShipped, shipped);
            try
            {
                state.AdvanceAcked(last, n, now);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.LogError("{Message}", e.Message);
                _status.Error(e.Message);
            }
        }
        _spool.Ack(ack.Next, ack.Records, ack.Bytes);
    }

    /// <summary>Acknowledged records not yet written to the checkpoints and the cursor; later acks merge into it.</summary>
    private sealed class PendingAck
    {
        public SpoolLocation Next;
        public long Records;
        public long Bytes;
        public List<(string Id, FilePosition Last, long Count, long Shipped)> Sources { get; } = new(2);

        public void Add(string id, FilePosition last, long count, long shipped)
        {
            var k = Sources.FindIndex(p => p.Id == id);
            if (k < 0)
            {
                Sources.Add((id, last, count, shipped));
            }
            else
            {
                Sources[k] = (id, last, Sources[k].Count + count, Sources[k].Shipped + shipped);
            }
        }

        /// <summary>A later acknowledgement: its position wins, the counts add up.</summary>
        public void Merge(PendingAck later)
        {
            Next = later.Next;
            Records += later.Records;
            Bytes += later.Bytes;
            foreach (var (id, last, count, shipped) in later.Sources)
            {
                Add(id, last, count, shipped);
            }
        }
    }

    private void Delivered()
    {
        if (_failures > 0)
        {
            _log.LogInformation("The core accepts alerts again (after {Failures} failed attempt(s)); draining the spool.", _failures);
            _failures = 0;
            _recoveries++;
        }
        if (_paused)
        {
            _paused = false;
            _recoveries++;
            _status.Resume();
            _log.LogInformation("The core accepts the node token again; shipping resumed.");
        }
    }

    private async Task BackOffAsync(ShipOutcome outcome, CancellationToken ct)
    {
        await FlushAcksAsync();
        _failures++;
        var delay = outcome.RetryAfter ?? Backoff(_failures);
        if (_failures == 1)
        {
            _log.LogWarning("Cannot deliver alerts to the core ({Reason}); they stay in the spool. Retrying in {Delay}, then with growing delays.", outcome.Reason, delay);
        }
        else
        {
            _log.LogDebug("Delivery attempt {Attempt} failed ({Reason}); retrying in {Delay}.", _failures, outcome.Reason, delay);
        }
        _status.Error($"Cannot deliver alerts to the core: {outcome.Reason}");
        await Task.Delay(delay, _time, ct);
    }

    /// <summary>Exponential backoff with jitter: uniform in [min, min(max, min · 2^attempt)].</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var min = _settings.Node.RetryMinDelay;
        var max = _settings.Node.RetryMaxDelay < min ? min : _settings.Node.RetryMaxDelay;
        var ceiling = Math.Min(max.Ticks, min.Ticks * Math.Pow(2, Math.Min(attempt, 40)));
        return TimeSpan.FromTicks(min.Ticks + (long)(_settings.Random.NextDouble() * (ceiling - min.Ticks)));
    }

    public void Dispose()
    {
        foreach (var b in _free.Concat(_inFlight.Select(f => f.Batch)).Append(_filling))
        {
            b?.Dispose();
        }
    }

    /// <summary>A batch sent and not yet handled; <paramref name="Recoveries"/> is <see cref="_recoveries"/> when it left.</summary>
    private sealed record InFlight(Batch Batch, Task<ShipOutcome> Outcome, int Recoveries);

    /// <summary>Records to upload together: their envelopes as one NDJSON buffer, in spool order, and the gzip body of
    /// the last request made from them.</summary>
    /// <remarks>
    /// Both buffers are sized for a full batch from the start (at most 8 MiB of NDJSON, a quarter of it for the gzip body,
    /// which is ~1/5 of the NDJSON for alerts): grown by doubling instead, each batch left ~2× its size of garbage on the
    /// large object heap, which a long-running agent kept as resident memory until the next full collection.
    /// </remarks>
    private sealed class Batch(int maxBytes) : IDisposable
    {
        private readonly List<(int Start, int Length)> _ranges = [];
        private readonly MemoryStream _body = new(Math.Clamp(maxBytes / 4, 64 * 1024, 2 * 1024 * 1024));
        private byte[] _envelopes = new byte[Math.Clamp(maxBytes + 1, 64 * 1024, 8 * 1024 * 1024)];

        public List<SpoolRecordInfo> Records { get; } = [];

        /// <summary>Bytes of NDJSON (envelopes and newlines).</summary>
        public int Length { get; private set; }

        public int Count => Records.Count;

        /// <summary>When the batch was first seen waiting incomplete (BatchMaxDelay runs from there).</summary>
        public long? FirstAt { get; set; }

        /// <summary>Appends the record's envelope and a newline.</summary>
        public void Add(SpoolRecordInfo info, ReadOnlySpan<byte> envelope)
        {
            if (Length + envelope.Length + 1 > _envelopes.Length)
            {
                Array.Resize(ref _envelopes, Math.Max(_envelopes.Length * 2, Length + envelope.Length + 1));
            }
            envelope.CopyTo(_envelopes.AsSpan(Length));
            _ranges.Add((Length, envelope.Length));
            Length += envelope.Length;
            _envelopes[Length++] = (byte)'\n';
            Records.Add(info);
        }

        public ReadOnlySpan<byte> Envelope(int index) => _envelopes.AsSpan(_ranges[index].Start, _ranges[index].Length);

        /// <summary>The gzip of records [start, start + count): they are contiguous NDJSON, compressed in one call into
        /// zlib (a call per line costs more than compressing the line). Valid until the next call.</summary>
        public ArraySegment<byte> Compress(int start, int count)
        {
            _body.SetLength(0);
            using (var gzip = new GZipStream(_body, CompressionLevel.Fastest, leaveOpen: true))
            {
                var from = _ranges[start].Start;
                var last = _ranges[start + count - 1];
                gzip.Write(_envelopes, from, last.Start + last.Length + 1 - from);
            }
            return new ArraySegment<byte>(_body.GetBuffer(), 0, (int)_body.Length);
        }

        public void Clear()
        {
            Records.Clear();
            _ranges.Clear();
            Length = 0;
            FirstAt = null;
        }

        public void Dispose() => _body.Dispose();
    }

    private async Task PauseForTokenAsync(string reason, CancellationToken ct)
    {
        await FlushAcksAsync();
        if (!_paused)
        {
            _paused = true;
            _status.Pause(reason);
            _status.Error(reason);
            _log.LogError("{Reason} Shipping is paused; alerts keep spooling on disk (up to {MaxBytes} bytes, then reading pauses). Replace the token (socme-node enroll with a new code, or write {TokenFile}); shipping resumes by itself.",
                reason, _spool.MaxBytes, _tokens.FilePath);
        }
        var stamp = _tokens.Stamp();
        while (true)
        {
            await Task.Delay(_settings.TokenPollInterval, _time, ct);
            var now = _tokens.Stamp();
            if (now == stamp)
            {
                continue;
            }
            stamp = now;
            var token = _tokens.Read();
            if (token is not null)
            {
                _token = token;
                _log.LogInformation("The token file changed; trying the new token.");
                return;
            }
        }
    }
}
