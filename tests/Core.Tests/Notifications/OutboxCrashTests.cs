using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests.Notifications;

/// <summary>
/// The real <c>socme-core</c> process killed with SIGKILL while a delivery is in flight (the receiver holds the request):
/// after a restart the delivery is sent again once its lease has run out, with the same delivery id, and completes
/// exactly once; nothing is sent after that.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OutboxCrashTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly List<ChildProcess> _processes = [];

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_core_killed_during_a_delivery_delivers_it_after_restart_and_only_once()
    {
        await using var receiver = await HoldingReceiver.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["SOCME_DataDir"] = _db.DataDir,
            ["SOCME_Database__Provider"] = _db.Provider,
            ["SOCME_Database__ConnectionString"] = _db.ConnectionString,
            ["SOCME_Notify__AllowedHosts__0"] = "127.0.0.1",
            ["SOCME_Notify__AllowPlainHttp"] = "true",
            ["SOCME_Notifications__Lease"] = "00:00:10",
            ["SOCME_Notifications__DispatchInterval"] = "00:00:00.200",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        using (var migrate = ChildProcess.Start("socme-core", ["migrate"], env))
        {
            Assert.Equal(0, await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }
        string adminToken;
        using (var create = ChildProcess.Start("socme-core", ["create-admin", "--email", "outbox@soc.example"], env))
        {
            Assert.Equal(0, await create.WaitForExitAsync(TimeSpan.FromMinutes(2)));
            adminToken = JsonDocument.Parse(create.StandardOutput).RootElement.GetProperty("apiToken").GetString()!;
        }
        var port = ChildProcess.FreePort();
        var core = Start(port, env);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await WaitHealthyAsync(http, core);
        var admin = new SocmeClient(http).WithToken(adminToken);
        var client = await admin.CreateClientAsync(new CreateClientRequest("Outbox client"));
        var created = await admin.CreateNodeAsync(client.Id, new CreateNodeRequest("outbox-node"));
        // A client's token is its HttpClient's default header: the node gets an HttpClient of its own.
        using var nodeHttp = new HttpClient { BaseAddress = http.BaseAddress };
        var enrolled = await new SocmeClient(nodeHttp).EnrollAsync(new EnrollRequest(created.EnrollmentCode, "sensor", []));
        var node = new SocmeClient(nodeHttp).WithToken(enrolled.Token);
        var channel = await admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Hook", "webhook",
            new Dictionary<string, string?> { ["url"] = receiver.Url }, client.Id));
        var rule = await admin.CreateNotificationRuleAsync(new CreateNotificationRuleRequest("Everything", new RuleConditions(),
            new RuleActions(Channels: [channel.Id]), client.Id));

        await node.IngestAsync(Envelopes.UniqueWazuh(1));
        var first = await receiver.FirstArrived.WaitAsync(TimeSpan.FromSeconds(30));
        core.KillHard();
        await receiver.FirstAborted.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(receiver.Completed);

        core = Start(port, env);
        await WaitHealthyAsync(http, core);
        var delivered = await Eventually.UntilAsync(async () =>
            (await admin.ListDeliveriesAsync(ruleId: rule.Id)).Items is [{ State: "delivered" } d] ? d : null, "the delivery sent again and delivered",
            TimeSpan.FromSeconds(60));

        Assert.Equal($"socme-{delivered.Id}", first);
        Assert.Equal([first], receiver.Completed);
        Assert.Equal([first, first], receiver.Seen);
        // Nothing more comes for it: a second alert is delivered, and the first is still delivered once.
        await node.IngestAsync(Envelopes.UniqueWazuh(1));
        await Eventually.UntilAsync(() => Task.FromResult(receiver.Completed.Count == 2 ? "" : null), "the second alert delivered");
        Assert.Single(receiver.Completed, id => id == first);
        Assert.Equal(3, receiver.Seen.Count);
    }

    private ChildProcess Start(int port, Dictionary<string, string> env)
    {
        var p = ChildProcess.Start("socme-core", ["serve", "--urls", $"http://127.0.0.1:{port}"], env);
        _processes.Add(p);
        return p;
    }

    private static async Task WaitHealthyAsync(HttpClient http, ChildProcess core) =>
        await Eventually.UntilAsync(async () =>
        {
            Assert.False(core.HasExited, "the core exited:\n" + core.Output);
            try
            {
                using var r = await http.GetAsync("healthz");
                return r.IsSuccessStatusCode ? "" : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, "the core healthy", TimeSpan.FromMinutes(2));

    /// <summary>
    /// A webhook receiver that holds the first request until its client goes away, and records which deliveries it
    /// completed (answered 200 to a client still there).
    /// </summary>
    private sealed class HoldingReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<string> _seen = new();
        private readonly ConcurrentQueue<string> _completed = new();
        private readonly TaskCompletionSource<string> _firstArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        private HoldingReceiver(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";
        public Task<string> FirstArrived => _firstArrived.Task;
        public Task FirstAborted => _firstAborted.Task;
        public List<string> Seen => _seen.ToList();
        public List<string> Completed => _completed.ToList();

        public static async Task<HoldingReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new HoldingReceiver(app);
            app.Run(receiver.HandleAsync);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            receiver.Url = address + "/hook";
            return receiver;
        }

        private async Task HandleAsync(HttpContext ctx)
        {
            var id = ctx.Request.Headers["X-Socme-Delivery"].ToString();
            await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
            _seen.Enqueue(id);
            if (Interlocked.Increment(ref _count) == 1)
            {
                _firstArrived.TrySetResult(id);
                try
                {
                    await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    _firstAborted.TrySetResult();
                    return;
                }
            }
            ctx.Response.StatusCode = 200;
            await ctx.Response.CompleteAsync();
            if (!ctx.RequestAborted.IsCancellationRequested)
            {
                _completed.Enqueue(id);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
