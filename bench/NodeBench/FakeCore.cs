using System.Buffers;
using System.Diagnostics;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Socme.NodeBench;

/// <summary>
/// A fast stand-in for the core: <c>POST /api/v1/ingest/alerts</c> decompresses the gzip NDJSON body, counts its
/// lines and answers 200 <c>{"accepted":N,"duplicates":0,"rejected":[]}</c>; the heartbeat answers 200. So the agent's
/// own speed is measured, not the database's.
/// </summary>
internal sealed class FakeCore : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _lines;
    private long _requests;
    private long _target = long.MaxValue;
    private TaskCompletionSource<long> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeCore(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public long Lines => Interlocked.Read(ref _lines);

    public long Requests => Interlocked.Read(ref _requests);

    public static async Task<FakeCore> StartAsync()
    {
        var port = Proc.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var core = new FakeCore(app, new Uri($"http://127.0.0.1:{port}/"));
        app.MapPost("/api/v1/ingest/alerts", core.IngestAsync);
        app.MapPost("/api/v1/ingest/heartbeat", () => Results.Text("{\"receivedAt\":\"2026-01-01T00:00:00+00:00\"}", "application/json"));
        await app.StartAsync();
        return core;
    }

    /// <summary>Resets the counters; the task completes (with the Stopwatch timestamp) when <paramref name="lines"/> lines have been accepted.</summary>
    public Task<long> Expect(long lines)
    {
        Interlocked.Exchange(ref _lines, 0);
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _busyTicks, 0);
        _reached = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _target, lines);
        return _reached.Task;
    }

    /// <summary>Time spent answering ingest requests (from the body's first byte to the answer), for the report.</summary>
    public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

    private long _busyTicks;

    private async Task IngestAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        // The whole body first, then one inflate into a large buffer: the sink must answer fast (one batch is in flight).
        var length = (int)(context.Request.ContentLength ?? 0);
        var body = ArrayPool<byte>.Shared.Rent(Math.Max(length, 64 * 1024));
        var output = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        long lines = 0;
        try
        {
            var read = 0;
            int n;
            while ((n = await context.Request.Body.ReadAsync(body.AsMemory(read))) > 0)
            {
                read += n;
                if (read == body.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(body.Length * 2);
                    body.AsSpan(0, read).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(body);
                    body = bigger;
                }
            }
            using var compressed = new MemoryStream(body, 0, read, writable: false);
            using Stream content = context.Request.Headers.ContentEncoding == "gzip"
                ? new GZipStream(compressed, CompressionMode.Decompress)
                : compressed;
            while ((n = content.Read(output)) > 0)
            {
                lines += output.AsSpan(0, n).Count((byte)'\n');
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
            ArrayPool<byte>.Shared.Return(output);
        }
        Interlocked.Increment(ref _requests);
        var total = Interlocked.Add(ref _lines, lines);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"accepted\":{lines},\"duplicates\":0,\"rejected\":[]}}");
        Interlocked.Add(ref _busyTicks, Stopwatch.GetElapsedTime(started).Ticks);
        if (total >= Interlocked.Read(ref _target))
        {
            _reached.TrySetResult(Stopwatch.GetTimestamp());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
