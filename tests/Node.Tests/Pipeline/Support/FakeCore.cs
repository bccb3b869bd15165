using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Socme.Node.Tests.Pipeline.Support;

/// <summary>One upload as the fake core saw it (body decompressed and split into lines).</summary>
internal sealed record RecordedRequest(string Method, string Path, string? Authorization, string? IdempotencyKey, string? ContentEncoding, string? ContentType, IReadOnlyList<string> Lines)
{
    public IReadOnlyList<string> Keys => [.. Lines.Select(KeyOf)];

    public static string KeyOf(string envelope)
    {
        using var doc = JsonDocument.Parse(envelope);
        return doc.RootElement.GetProperty("key").GetString()!;
    }
}

/// <summary>What the fake core answers.</summary>
internal sealed record FakeResponse(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static FakeResponse Accept(RecordedRequest r, params (int Line, string Code, string Reason)[] rejected)
    {
        var rej = rejected.Select(x => new { line = x.Line, code = x.Code, reason = x.Reason }).ToArray();
        return new FakeResponse(200, JsonSerializer.Serialize(new { accepted = r.Lines.Count - rej.Length, duplicates = 0, rejected = rej }));
    }

    public static FakeResponse Problem(int status, string code, string detail, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, JsonSerializer.Serialize(new { status, code, detail }), headers);
}

/// <summary>
/// A small HTTP core on 127.0.0.1 (System.Net.HttpListener): answers each upload with the scripted
/// <see cref="Handler"/> (default: accept everything) and records it. <see cref="AcceptedKeys"/> is what the real
/// core would have stored: the keys of lines answered with 200 and not rejected, deduplicated as the core does.
/// </summary>
internal sealed class FakeCore : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Channel<RecordedRequest> _received = Channel.CreateUnbounded<RecordedRequest>();
    private readonly Lock _lock = new();
    private readonly HashSet<string> _accepted = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private readonly Task _loop;
    private int _acceptedLines;

    private FakeCore(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public Func<RecordedRequest, FakeResponse> Handler { get; set; } = r => FakeResponse.Accept(r);

    /// <summary>When set, answers instead of <see cref="Handler"/>, and requests are handled concurrently (one may wait
    /// for another), not one after the other.</summary>
    public Func<RecordedRequest, Task<FakeResponse>>? AsyncHandler { get; set; }

    public static FakeCore Start(int? port = null)
    {
        if (port is { } fixedPort)
        {
            return new FakeCore(fixedPort);
        }
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FakeCore(FreePort());
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                // Taken between the check and the listen (other tests run in parallel): another port.
            }
        }
    }

    /// <summary>
    /// A port nothing listens on (yet), below Linux's ephemeral range (32768–60999) so that no outgoing connection of
    /// another process can take it between now and the listen (or a restart on the same port).
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                l.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyCollection<string> AcceptedKeys
    {
        get
        {
            lock (_lock)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>Lines answered as accepted, duplicates included (the transport is at-least-once).</summary>
    public int AcceptedLines => Volatile.Read(ref _acceptedLines);

    /// <summary>The next request (after it was answered), with a real-time guard against a hang.</summary>
    public async Task<RecordedRequest> NextRequestAsync(TimeSpan? guard = null)
    {
        using var cts = new CancellationTokenSource(guard ?? TimeSpan.FromSeconds(20));
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The fake core received no request.");
        }
    }

    public bool HasUnreadRequest => _received.Reader.Count > 0;

    /// <summary>Waits until the core holds <paramref name="keys"/> (real-time guard against a hang).</summary>
    public async Task WaitForKeysAsync(IEnumerable<string> keys, TimeSpan? guard = null)
    {
        var want = keys.ToHashSet(StringComparer.Ordinal);
        using var cts = new CancellationTokenSource(guard ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            lock (_lock)
            {
                if (want.IsSubsetOf(_accepted))
                {
                    return;
                }
            }
            try
            {
                await _received.Reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                lock (_lock)
                {
                    want.ExceptWith(_accepted);
                }
                throw new TimeoutException($"The fake core is missing {want.Count} key(s), e.g. {want.First()}.");
            }
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var handling = HandleSafelyAsync(ctx);
            if (AsyncHandler is null)
            {
                await handling;
            }
        }
    }

    private async Task HandleSafelyAsync(HttpListenerContext ctx)
    {
        try
        {
            await HandleAsync(ctx);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        var req = ctx.Request;
        using var body = new MemoryStream();
        if (string.Equals(req.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
        {
            await using var gz = new GZipStream(req.InputStream, CompressionMode.Decompress);
            await gz.CopyToAsync(body);
        }
        else
        {
            await req.InputStream.CopyToAsync(body);
        }
        var lines = Encoding.UTF8.GetString(body.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var recorded = new RecordedRequest(req.HttpMethod, req.Url!.AbsolutePath, req.Headers["Authorization"], req.Headers["Idempotency-Key"],
            req.Headers["Content-Encoding"], req.ContentType, lines);
        var response = AsyncHandler is { } answer ? await answer(recorded) : Handler(recorded);
        if (response.Status == 200)
        {
            using var doc = JsonDocument.Parse(response.Body);
            var rejected = doc.RootElement.GetProperty("rejected").EnumerateArray().Select(x => x.GetProperty("line").GetInt32()).ToHashSet();
            lock (_lock)
            {
                for (var i = 0; i < lines.Length; i++)
                {
                    if (!rejected.Contains(i + 1))
                    {
                        _accepted.Add(RecordedRequest.KeyOf(lines[i]));
                        _acceptedLines++;
                    }
                }
            }
        }
        lock (_lock)
        {
            _requests.Add(recorded);
        }
        ctx.Response.StatusCode = response.Status;
        foreach (var (k, v) in response.Headers ?? new Dictionary<string, string>())
        {
            ctx.Response.Headers[k] = v;
        }
        var bytes = Encoding.UTF8.GetBytes(response.Body);
        ctx.Response.ContentType = response.Status == 200 ? "application/json" : "application/problem+json";
        ctx.Response.ContentLength64 = bytes.Length;
        await ctx.Response.OutputStream.WriteAsync(bytes);
        ctx.Response.Close();
        _received.Writer.TryWrite(recorded);
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: it stops too. Stop then Close unregistered the listener twice, and the managed HttpListener's second
        // unregistration binds the port again to look it up, failing with "Address already in use" when another test's
        // server had taken the port in between (seen once in a full run).
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
