using System.CommandLine;
using System.Text.Json;
using Socme.Client;
using Socme.Node.Configuration;
using Socme.Node.Enrollment;
using Socme.Node.Status;

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
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(snapshot, SocmeClient.JsonOptions));
            }
            else
            {
                StatusPrinter.Print(snapshot, Console.Out, TimeProvider.System.GetUtcNow());
            }
            return 0;
        });

        return new RootCommand("socme-node: the SOCme node agent. Ships only alerts from Wazuh and Suricata to the SOCme core.")
        {
            enroll,
            status,
        };
    }
}
