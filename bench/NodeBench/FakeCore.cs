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
        _reached = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _target, lines);
        return _reached.Task;
    }

    private async Task IngestAsync(HttpContext context)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        long lines = 0;
        try
        {
            Stream body = context.Request.Body;
            if (context.Request.Headers.ContentEncoding == "gzip")
            {
                body = new GZipStream(body, CompressionMode.Decompress);
            }
            await using (body)
            {
                int n;
                while ((n = await body.ReadAsync(buffer)) > 0)
                {
                    lines += buffer.AsSpan(0, n).Count((byte)'\n');
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Interlocked.Increment(ref _requests);
        var total = Interlocked.Add(ref _lines, lines);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"accepted\":{lines},\"duplicates\":0,\"rejected\":[]}}");
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
