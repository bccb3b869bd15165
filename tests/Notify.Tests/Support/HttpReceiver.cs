using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Socme.Notify.Tests.Support;

/// <summary>One request as the receiver saw it.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// Kestrel on 127.0.0.1 with an ephemeral port. Records every request; answers with the next queued responder, or 200.
/// </summary>
internal sealed class HttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _responders = new();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();

    private HttpReceiver(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;
    public int Port => BaseUri.Port;
    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToList();

    public static async Task<HttpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new HttpReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return receiver;
    }

    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery.TrimStart('/'));

    /// <summary>Queues the answer to the next request (later requests get 200 once the queue is empty).</summary>
    public HttpReceiver Then(int status, string? body = null, string contentType = "application/json", Action<HttpResponse>? headers = null)
    {
        _responders.Enqueue(async ctx =>
        {
            ctx.Response.StatusCode = status;
            headers?.Invoke(ctx.Response);
            if (body is not null)
            {
                ctx.Response.ContentType = contentType;
                await ctx.Response.WriteAsync(body);
            }
        });
        return this;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms);
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new ReceivedRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Request.QueryString.Value ?? "",
            headers, ms.ToArray()));
        if (_responders.TryDequeue(out var responder))
        {
            await responder(ctx);
        }
        else
        {
            ctx.Response.StatusCode = 200;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
