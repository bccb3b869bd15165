using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Infrastructure;
using Socme.Node.Enrollment;

namespace Socme.Core.Features.Demo;

/// <summary>Settings of <c>socme-core demo</c>.</summary>
internal sealed record DemoSettings
{
    public required string DataDir { get; init; }
    public required string CorpusDir { get; init; }

    /// <summary>Average lines per second written, both nodes together (bursts included).</summary>
    public double LinesPerSecond { get; init; } = 40;

    /// <summary>Time between two rotations of a node's files; null: 45–90 s at random, the first after 20–40 s.</summary>
    public TimeSpan? RotateEvery { get; init; }

    public TimeSpan StatusEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>On stop, how long the agents may take to ship what was written.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// <c>socme-core demo</c> once the core is built, migrated and has an admin: starts the core, creates "Demo Client"
/// with two nodes over the REST API, enrols them with the real <see cref="Enroller"/>, runs their real agents
/// in-process, and fills their Wazuh and Suricata files from the corpus at a varying rate, rotating them now and then,
/// with a live line every few seconds. On Ctrl-C / SIGTERM it stops the replayer, lets the agents ship what was
/// written, stops them, prints what was written against what the core holds, and stops the core.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class DemoRunner(WebApplication app, Commands.AdminCredentials admin, DemoSettings settings, TextWriter output)
{
    private const string ClientName = "Demo Client";

    private static readonly (string Name, bool Wazuh, bool Suricata, double RateShare)[] NodeSpecs =
    [
        ("demo-node-1", true, true, 0.6),
        ("demo-node-2", false, true, 0.4),
    ];

    private readonly TimeProvider _time = app.Services.GetRequiredService<TimeProvider>();
    private readonly List<(DemoNode Node, DemoRate Rate, Random Random)> _nodes = [];
    private readonly TaskCompletionSource<string> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    /// <summary>
    /// The core's services in demo mode: no console lifetime (the demo handles the signals); one-line logs, framework
    /// logs at warning whatever the working folder (appsettings.json is not found from the repository root); and no
    /// warning about unencrypted Data Protection keys, which is known (docs/architecture.md) and moot in a throwaway folder.
    /// </summary>
    public static void ConfigureCore(IServiceCollection services)
    {
        services.AddSingleton<IHostLifetime, DemoLifetime>();
        services.AddLogging(b =>
        {
            b.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss  ";
            });
            b.AddFilter("Microsoft", LogLevel.Warning);
            b.AddFilter("System", LogLevel.Warning);
            b.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
            b.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        });
    }

    /// <summary>
    /// A token cancelled by the first Ctrl-C or SIGTERM; a second one ends the process at once (the default action).
    /// </summary>
    public static IDisposable ListenForStop(out CancellationToken token)
    {
        var cts = new CancellationTokenSource();
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            if (Interlocked.Increment(ref signals) == 1)
            {
                context.Cancel = true;
                _ = cts.CancelAsync();
            }
        }
        token = cts.Token;
        return new Registrations(cts,
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
    }

    private sealed class Registrations(CancellationTokenSource cts, params IDisposable[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var r in registrations)
            {
                r.Dispose();
            }
            cts.Dispose();
        }
    }

    /// <summary>Runs the demo until <paramref name="stop"/>; 0 after a clean stop, 1 when something failed.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        string? failure = null;
        ClientDto? client = null;
        try
        {
            try
            {
                client = await SetUpAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                Say("Stopping during set-up.");
            }
            catch (Exception e) when (e is InvalidOperationException or SocmeApiException or HttpRequestException or IOException or TimeoutException or UnauthorizedAccessException)
            {
                failure = "the set-up failed: " + e.Message;
            }
            if (client is not null && failure is null && !stop.IsCancellationRequested)
            {
                failure = await RunUntilStoppedAsync(client, stop);
            }
            await StopAgentsAsync(client);
            _stopping = true;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15), _time);
            await app.StopAsync(timeout.Token);
        }
        finally
        {
            foreach (var (node, _, _) in _nodes)
            {
                node.Dispose();
            }
        }
        if (failure is not null)
        {
            await Console.Error.WriteLineAsync($"socme-core demo: {failure}");
        }
        Say(string.Create(CultureInfo.InvariantCulture, $"Stopped. The data folder stays in {settings.DataDir} (delete it when done)."));
        return failure is null ? 0 : 1;
    }

    private async Task<ClientDto> SetUpAsync(CancellationToken stop)
    {
        await app.StartAsync(stop);
        app.Lifetime.ApplicationStopping.Register(() => Fail("the core stopped"));
        var core = AgentUrl(app.Urls);
        using var http = new HttpClient { BaseAddress = core, Timeout = TimeSpan.FromSeconds(30) };
        var api = new SocmeClient(http).WithToken(admin.ApiToken);
        var client = await api.CreateClientAsync(new CreateClientRequest(ClientName, "Created by socme-core demo: two nodes replaying real Wazuh and Suricata alerts."), stop);
        var (wazuh, suricata) = CorpusReplayer.LoadCorpus(settings.CorpusDir);
        foreach (var spec in NodeSpecs)
        {
            var created = await api.CreateNodeAsync(client.Id, new CreateNodeRequest(spec.Name), stop);
            var random = new Random();
            var replayer = new CorpusReplayer(Shuffled(wazuh, random), Shuffled(suricata, random), _time);
            var node = new DemoNode(spec.Name, created.Id, Path.Combine(settings.DataDir, "nodes", spec.Name), spec.Wazuh, spec.Suricata,
                wazuhShare: 0.4, replayer, _time);
            _nodes.Add((node, new DemoRate(settings.LinesPerSecond * spec.RateShare, random), random));
            node.CreateFiles();
            // A demo node has no SSH host keys of its own: none are pinned (a real node sends /etc/ssh/ssh_host_*_key.pub).
            var enrolled = await new Enroller(_time) { SshDir = Path.Combine(node.Root, "no-ssh-host-keys") }
                .EnrollAsync(core.ToString(), created.EnrollmentCode, node.AgentDir, stop);
            if (!enrolled.Ok)
            {
                throw new InvalidOperationException($"{spec.Name} could not enrol: {enrolled.Message}");
            }
            await node.StartAgentAsync(core, output, stop);
            node.AgentStopping.Register(() => Fail($"the agent of {spec.Name} stopped"));
        }
        var screen = await api.CreateScreenTokenAsync(new CreateScreenTokenRequest("Demo wall screen"), stop);
        PrintBanner(core, client, screen.ScreenPath);
        return client;
    }

    private async Task<string?> RunUntilStoppedAsync(ClientDto client, CancellationToken stop)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var core = AgentUrl(app.Urls);
        using var http = new HttpClient { BaseAddress = core, Timeout = TimeSpan.FromSeconds(30) };
        var api = new SocmeClient(http).WithToken(admin.ApiToken);
        var tasks = _nodes.Select(n => Task.Run(() => TrafficAsync(n.Node, n.Rate, n.Random, running.Token), CancellationToken.None)).ToList();
        tasks.Add(Task.Run(() => StatusLoopAsync(api, client.Id, running.Token), CancellationToken.None));

        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (stop.Register(() => stopped.TrySetResult()))
        {
            await Task.WhenAny(stopped.Task, _failed.Task);
        }
        var failure = _failed.Task.IsCompleted ? await _failed.Task : null;
        _stopping = true;
        Say(failure is null
            ? "Stopping: the replayer first, then the agents once they have shipped what was written, then the core."
            : $"Stopping: {failure}.");
        await running.CancelAsync();
        await Task.WhenAll(tasks);
        return failure;
    }

    /// <summary>Waits (bounded) for the agents to ship everything written, stops them, and prints the tally.</summary>
    private async Task StopAgentsAsync(ClientDto? client)
    {
        _stopping = true;
        var started = _nodes.Where(n => n.Node.AgentStatus() is not null).Select(n => n.Node).ToList();
        if (started.Count == 0)
        {
            return;
        }
        var deadline = _time.GetTimestamp() + (long)(settings.DrainTimeout.TotalSeconds * _time.TimestampFrequency);
        while (!started.All(n => n.Drained()) && _time.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), _time);
        }
        if (!started.All(n => n.Drained()))
        {
            Say(string.Create(CultureInfo.InvariantCulture,
                $"The agents had not shipped everything after {settings.DrainTimeout.TotalSeconds:0} s; the rest stays in their spools."));
        }
        foreach (var node in started)
        {
            await node.StopAgentAsync(TimeSpan.FromSeconds(15));
        }
        if (client is null)
        {
            return;
        }
        var counts = await AlertCountsAsync(client.Id, CancellationToken.None);
        output.WriteLine("Written by the replayer and held by the core:");
        foreach (var node in started)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {node.Name}: {node.Wazuh.Lines + node.Suricata.Lines} lines written, {node.Wazuh.Alerts + node.Suricata.Alerts} of them alerts; {counts.GetValueOrDefault(node.Id)} alerts in the core"));
        }
    }

    private async Task TrafficAsync(DemoNode node, DemoRate rate, Random random, CancellationToken ct)
    {
        try
        {
            var nextRotation = RotationDelay(random, first: true);
            var sinceRotation = TimeSpan.Zero;
            var last = _time.GetTimestamp();
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), _time);
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = _time.GetTimestamp();
                var elapsed = _time.GetElapsedTime(last, now);
                last = now;
                node.Write(rate.Take(elapsed), random);
                sinceRotation += elapsed;
                if (sinceRotation >= nextRotation)
                {
                    Say($"{node.Name}: {await node.RotateAsync(ct)}");
                    sinceRotation = TimeSpan.Zero;
                    nextRotation = RotationDelay(random, first: false);
                    // The pause while the agent caught up is not made up for.
                    last = _time.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Fail($"the replayer of {node.Name} failed: {e.Message}");
        }
    }

    private TimeSpan RotationDelay(Random random, bool first) =>
        settings.RotateEvery ?? TimeSpan.FromSeconds(first ? 20 + random.NextDouble() * 20 : 45 + random.NextDouble() * 45);

    private async Task StatusLoopAsync(SocmeClient api, Guid clientId, CancellationToken ct)
    {
        long previous = 0;
        var failures = 0;
        using var timer = new PeriodicTimer(settings.StatusEvery, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    var counts = await AlertCountsAsync(clientId, ct);
                    var nodes = (await api.ListNodesAsync(clientId, ct)).ToDictionary(n => n.Id);
                    var total = counts.Values.Sum();
                    var parts = _nodes.Select(n => string.Create(CultureInfo.InvariantCulture,
                        $"{n.Node.Name} {StatusName(nodes.GetValueOrDefault(n.Node.Id)?.Status)}, {counts.GetValueOrDefault(n.Node.Id)}"));
                    var bursts = _nodes.Where(n => n.Rate.InBurst).Select(n => n.Node.Name).ToList();
                    Say(string.Create(CultureInfo.InvariantCulture,
                        $"alerts in the core: {total} (+{total - previous}) │ {string.Join(" │ ", parts)} │ writing {_nodes.Sum(n => n.Rate.Current):0} lines/s")
                        + (bursts.Count > 0 ? $" (burst on {string.Join(", ", bursts)})" : ""));
                    previous = total;
                    failures = 0;
                }
                catch (Exception e) when (e is SocmeApiException or HttpRequestException or InvalidOperationException or TimeoutException)
                {
                    if (failures++ == 0)
                    {
                        Say($"(status line unavailable: {e.Message})");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static string StatusName(NodeStatus? status) => status switch
    {
        NodeStatus.Online => "online",
        NodeStatus.Stale => "stale",
        NodeStatus.Offline => "offline",
        NodeStatus.NeverSeen => "never seen",
        NodeStatus.Pending => "pending",
        _ => "?",
    };

    private async Task<Dictionary<Guid, long>> AlertCountsAsync(Guid clientId, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();
        // What the agents shipped; the core's own system alerts about the nodes (fleet events) are not theirs.
        return await db.Alerts.AsNoTracking().Where(a => a.ClientId == clientId && a.Source != Socme.Alerts.AlertSource.System)
            .GroupBy(a => a.NodeId).Select(g => new { g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
    }

    private void PrintBanner(Uri core, ClientDto client, string screenPath)
    {
        var url = core.ToString().TrimEnd('/');
        var nodes = string.Join(", ", _nodes.Select(n => $"{n.Node.Name} ({n.Node.Describe()})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

            SOCme demo
              Console     {url}/   sign in as the admin below (English or French, light or dark)
              Screen      {url}{screenPath}   (the wall screen: no sign-in, live)
              Core        {url}   (SQLite in {settings.DataDir})
              Admin       {admin.Email}   password {admin.Password}
              API token   {admin.ApiToken}
              Client      {client.Name}: {nodes}
              Alerts      real Wazuh and Suricata lines from {settings.CorpusDir}, with fresh timestamps and ids,
                          about {settings.LinesPerSecond:0} lines/s with bursts, and a file rotation now and then;
                          the agents ship only alerts (Wazuh level 3 and up, Suricata event_type alert)

            Try:
              export SOCME_TOKEN={admin.ApiToken}
              curl -s -H "Authorization: Bearer $SOCME_TOKEN" '{url}/api/v1/alerts?limit=5'
              curl -s -H "Authorization: Bearer $SOCME_TOKEN" '{url}/api/v1/alerts?band=high&limit=5'
              curl -s -H "Authorization: Bearer $SOCME_TOKEN" '{url}/api/v1/nodes'
              API schema: {url}/openapi/v1.json

            A live line every {settings.StatusEvery.TotalSeconds:0} s. {StopHint()}

            """));
    }

    /// <summary>How to stop: Ctrl-C, unless this process was started with SIGINT ignored (a background job of a script).</summary>
    private static string StopHint()
    {
        const ulong SigIntMask = 1UL << (2 - 1); // SIGINT is signal 2 on Linux; SigIgn's bit n-1 is signal n.
        var pid = Environment.ProcessId;
        try
        {
            var ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            if (ignored is not null && (ulong.Parse(ignored["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & SigIntMask) != 0)
            {
                return $"Ctrl-C (SIGINT) is ignored in this process (started in the background?): stop it with kill {pid} (SIGTERM).";
            }
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException or UnauthorizedAccessException)
        {
            // No /proc: say the usual.
        }
        return $"Press Ctrl-C to stop (or kill {pid}); twice to kill at once.";
    }

    private void Fail(string reason)
    {
        if (!_stopping)
        {
            _failed.TrySetResult(reason);
        }
    }

    private void Say(string text) => output.WriteLine($"{_time.GetLocalNow():HH:mm:ss}  {text}");

    private static string[] Shuffled(List<string> lines, Random random)
    {
        var copy = lines.ToArray();
        random.Shuffle(copy);
        return copy;
    }

    /// <summary>The URL the agents and the examples use: the first http address, a wildcard host made loopback.</summary>
    private static Uri AgentUrl(ICollection<string> urls)
    {
        var url = urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? urls.First();
        url = url.Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal);
        var b = new UriBuilder(url) { Path = "/" };
        if (b.Host is "0.0.0.0" or "[::]" or "::")
        {
            b.Host = "127.0.0.1";
        }
        return b.Uri;
    }
}
