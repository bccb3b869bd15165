using System.CommandLine;
using System.Text.Json;
using Socme.Node.Configuration;
using Microsoft.Extensions.Options;
using Socme.Node.Enrollment;
using Socme.Node.Heartbeat;
using Socme.Node.Pipeline;
using Socme.Node.Status;
using Socme.Node.Vitals;

namespace Socme.Node;

/// <summary>The verbs of <c>socme-node</c>.</summary>
internal static class NodeCommands
{
    public static Task<int> RunAsync(string[] args) => Root().Parse(args).InvokeAsync();

    internal static RootCommand Root()
    {
        var data = new Option<string?>("--data") { Description = "Data folder (token, checkpoints, spool, status). Default: the config's DataDir, else /var/lib/socme-node." };
        var config = new Option<string?>("--config") { Description = $"Config file (default {NodeConfig.DefaultConfigFile} when present)." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };

        var core = new Option<string>("--core") { Description = "The core's URL, e.g. https://core.example:8443", Required = true };
        var code = new Option<string>("--code") { Description = "The one-time enrolment code from the SOC.", Required = true };
        var sshDir = new Option<string?>("--ssh-dir") { Description = "Where the SSH host public keys are (default /etc/ssh).", Hidden = true };
        var enroll = new Command("enroll", "Enrol this node with a one-time code; stores the node token (0600) in the data folder.") { core, code, data, config, sshDir };
        enroll.SetAction(async (parse, ct) =>
        {
            var o = NodeConfig.Load(parse.GetValue(config), new NodeConfig.FlagValues(DataDir: parse.GetValue(data)));
            var result = await new Enroller(TimeProvider.System) { SshDir = parse.GetValue(sshDir) ?? "/etc/ssh" }
                .EnrollAsync(parse.GetValue(core)!, parse.GetValue(code)!, o.DataDir, ct);
            await (result.Ok ? Console.Out : Console.Error).WriteLineAsync((result.Ok ? "" : "socme-node enroll: ") + result.Message);
            return result.Ok ? 0 : 1;
        });

        var status = new Command("status", "Per source: file, checkpoint, lines read, alerts shipped, rejected, dead-lettered; spool; last ack; last error.") { data, config, json };
        status.SetAction(async (parse, ct) =>
        {
            var o = NodeConfig.Load(parse.GetValue(config), new NodeConfig.FlagValues(DataDir: parse.GetValue(data)));
            var snapshot = StatusPrinter.TryRead(o.DataDir, out var problem);
            if (snapshot is null)
            {
                await Console.Error.WriteLineAsync("socme-node status: " + problem);
                return 1;
            }
            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(snapshot, NodeJson.Default.AgentStatusSnapshot));
            }
            else
            {
                StatusPrinter.Print(snapshot, Console.Out, TimeProvider.System.GetUtcNow());
            }
            return 0;
        });

        var coreOptional = new Option<string?>("--core") { Description = "The core's URL (default: the config's Core, else the URL enrolled with)." };
        var wazuh = new Option<string[]>("--wazuh") { Description = "A Wazuh alerts.json to tail (repeatable; replaces the config's sources).", AllowMultipleArgumentsPerToken = false };
        var suricata = new Option<string[]>("--suricata") { Description = "A Suricata eve.json to tail (repeatable; replaces the config's sources).", AllowMultipleArgumentsPerToken = false };
        var minLevel = new Option<int?>("--min-level") { Description = "Wazuh: ship alerts with rule.level at or above this (default 3)." };
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "On first start (no checkpoint), read the sources from their beginning instead of their end." };
        var run = new Command("run", "Run the agent: tail the sources, spool alerts durably, ship them to the core, send heartbeats.")
        {
            config, coreOptional, data, wazuh, suricata, minLevel, fromBeginning,
        };
        run.SetAction(async (parse, ct) =>
        {
            var flags = new NodeConfig.FlagValues(
                Core: parse.GetValue(coreOptional),
                DataDir: parse.GetValue(data),
                Wazuh: parse.GetValue(wazuh),
                Suricata: parse.GetValue(suricata),
                MinLevel: parse.GetValue(minLevel),
                FromBeginning: parse.GetValue(fromBeginning) ? true : null);
            return await RunAgentAsync(parse.GetValue(config), flags, ct);
        });

        var fetch = new Command("fetch", "FETCHme: this node's vital signs (host, resources, tailnet, Wazuh, Suricata, TheHive, agent).") { data, config, json };
        fetch.SetAction(async (parse, ct) =>
        {
            var o = NodeConfig.Load(parse.GetValue(config), new NodeConfig.FlagValues(DataDir: parse.GetValue(data)));
            var collector = new VitalsCollector(VitalsOptions.FromNode(o), new LinuxSystemProbe(TimeProvider.System), TimeProvider.System);
            var vitals = await collector.CollectAsync(ct);
            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(vitals, NodeJson.Default.NodeVitals));
            }
            else
            {
                var color = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
                FetchRenderer.Render(vitals, Console.Out, color);
            }
            return 0;
        });

        return new RootCommand("socme-node: the SOCme node agent. Ships only alerts from Wazuh and Suricata to the SOCme core.")
        {
            enroll,
            run,
            fetch,
            status,
        };
    }

    /// <summary>
    /// <c>run</c>: loads and checks the settings, then hosts the pipeline and the heartbeat until SIGTERM / Ctrl-C
    /// (systemd-friendly). Exit codes: 0 stopped, 2 bad settings, 1 the agent failed.
    /// </summary>
    internal static async Task<int> RunAgentAsync(string? configFile, NodeConfig.FlagValues flags, CancellationToken ct)
    {
        NodeOptions o;
        try
        {
            o = NodeConfig.Load(configFile, flags);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or InvalidOperationException or FormatException)
        {
            await Console.Error.WriteLineAsync("socme-node run: " + e.Message);
            return 2;
        }
        var problems = NodeConfig.Validate(o);
        if (problems.Count > 0)
        {
            foreach (var p in problems)
            {
                await Console.Error.WriteLineAsync("socme-node run: " + p);
            }
            return 2;
        }

        using var host = BuildAgentHost(o);
        try
        {
            await host.RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        return Environment.ExitCode;
    }

    /// <summary>The agent's host: the pipeline, the heartbeat, logging to the console (journald under systemd).</summary>
    internal static IHost BuildAgentHost(NodeOptions o, Action<IServiceCollection>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = false, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddSystemd();
        // One line per HTTP request is noise in the journal; the shipper logs what matters.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.AddSingleton<IOptions<NodeOptions>>(Options.Create(o));
        builder.Services.AddNodePipeline();
        builder.Services.AddNodeVitals(v => v.ApplyNode(o));
        builder.Services.AddHostedService<HeartbeatSender>();
        overrides?.Invoke(builder.Services);
        return builder.Build();
    }
}
