using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests.Console;

/// <summary>
/// Renders the console's main pages with a realistic fleet (three clients, their nodes with vitals, a day of Wazuh and
/// Suricata alerts from the corpus) in light and dark, and checks each renders without a browser error. With
/// <c>SOCME_SCREENSHOTS=docs/screenshots</c> the pictures are kept there (the README shows them); otherwise in a
/// temporary folder that is removed.
/// </summary>
public sealed class ScreenshotTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task The_main_pages_render_in_light_and_dark()
    {
        var keep = Environment.GetEnvironmentVariable("SOCME_SCREENSHOTS");
        var dir = keep is { Length: > 0 } ? Directory.CreateDirectory(keep).FullName : Directory.CreateTempSubdirectory("socme-shots-").FullName;
        try
        {
            var (nodeId, alertId, screenPath) = await SeedAsync();
            var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var name = scheme == ColorScheme.Light ? "light" : "dark";
                var page = await fx.NewPageAsync(colorScheme: scheme);
                await ConsoleFixture.SignInAsync(page, email, password);
                await Shot(page, "/", $"overview-{name}", dir, page.Locator("canvas[data-chart=timeline]"));
                await Shot(page, "/alerts", $"inbox-{name}", dir, page.GetByTestId("group-row").First);
                await Shot(page, $"/alerts/{alertId}", $"alert-{name}", dir, page.GetByTestId("history"));
                await Shot(page, $"/nodes/{nodeId}", $"node-{name}", dir, page.Locator("main h1"));
                await page.Context.CloseAsync();
            }
            var screen = await fx.NewPageAsync(colorScheme: ColorScheme.Dark);
            await screen.SetViewportSizeAsync(1920, 1080);
            await Shot(screen, screenPath, "screen-dark", dir, screen.GetByTestId("screen-body"));
            foreach (var file in Directory.GetFiles(dir, "*.png"))
            {
                Assert.True(new FileInfo(file).Length > 20_000, $"{file} is suspiciously small");
            }
            Assert.Equal(9, Directory.GetFiles(dir, "*.png").Length);
            fx.AssertNoBrowserErrors();
        }
        finally
        {
            if (keep is not { Length: > 0 })
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static async Task Shot(IPage page, string url, string name, string dir, ILocator ready)
    {
        var response = await page.GotoAsync(url);
        Assert.True(response!.Ok, $"{url} answered {response.Status}");
        await Assertions.Expect(ready).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new() { Timeout = 5_000 }).ContinueWith(_ => Task.CompletedTask);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png") });
    }

    /// <summary>Three clients with two nodes each; a day of alerts; heartbeats every 10 minutes for two hours.</summary>
    private async Task<(Guid NodeId, long AlertId, string ScreenPath)> SeedAsync()
    {
        var now = fx.Time.GetUtcNow();
        var random = new Random(7);
        var wazuh = Corpus.WazuhAlerts().Where(l => (int?)JsonNode.Parse(l)!["rule"]?["level"] >= 3).Take(400).ToList();
        var suricata = Corpus.SuricataAlerts().Take(400).ToList();
        var nodes = new List<(Guid Id, SocmeClient Client, string Name)>();
        foreach (var name in new[] { "Atelier Martin", "Clinique du Parc", "Nordwind Logistics" })
        {
            var client = await fx.Admin.CreateClientAsync(new CreateClientRequest(name));
            foreach (var nodeName in new[] { "sensor-hq", "sensor-dmz" })
            {
                var (node, enrolment) = await fx.Core.NodeAsync(fx.Admin, client.Id, nodeName);
                nodes.Add((enrolment.NodeId, node, nodeName));
                var lines = new List<string>();
                for (var i = 0; i < 120; i++)
                {
                    var at = now.AddSeconds(-random.Next(0, 86_400));
                    lines.Add(random.Next(3) == 0
                        ? Redate(suricata[random.Next(suricata.Count)], at, suricata: true)
                        : Redate(wazuh[random.Next(wazuh.Count)], at, suricata: false));
                }
                await node.IngestAsync(lines);
            }
        }
        for (var beat = 0; beat < 12; beat++)
        {
            if (beat > 0)
            {
                fx.Time.Advance(TimeSpan.FromMinutes(10));
            }
            // The last two nodes stop beating an hour ago: the fleet shows offline nodes too.
            foreach (var (_, node, name) in beat < 6 ? nodes : nodes.Take(nodes.Count - 2))
            {
                await node.HeartbeatAsync(Vitals(name, random, beat));
            }
        }
        var high = await fx.Admin.ListAlertsAsync(new AlertFilter { Band = "high" }, limit: 1);
        var screen = await fx.Admin.CreateScreenTokenAsync(new CreateScreenTokenRequest("Wall TV"));
        return (nodes[0].Id, high.Items.Count > 0 ? high.Items[0].Id : (await fx.Admin.ListAlertsAsync(limit: 1)).Items[0].Id, screen.ScreenPath);
    }

    private static string Redate(string line, DateTimeOffset at, bool suricata)
    {
        var n = JsonNode.Parse(line)!.AsObject();
        var stamp = at.ToUniversalTime().ToString(suricata ? "yyyy-MM-dd'T'HH:mm:ss.ffffff'+0000'" : "yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);
        n["timestamp"] = stamp;
        if (!suricata)
        {
            n["id"] = Guid.NewGuid().ToString("N");
            return Envelopes.Wazuh(n.ToJsonString());
        }
        n["flow_id"] = Random.Shared.NextInt64(1, long.MaxValue);
        return Envelopes.Suricata(n.ToJsonString());
    }

    private static NodeVitals Vitals(string host, Random random, int beat) => new()
    {
        Hostname = host,
        Os = "NixOS 25.05 (Warbler)",
        Kernel = "6.12.30",
        UptimeSeconds = 86_400 * 12 + beat * 600,
        Cpu = new CpuVitals("Intel N100", 4, 0.4 + random.NextDouble(), 0.5, 0.45, 12 + random.NextDouble() * 30),
        Memory = new UsageVitals(16L << 30, (6L << 30) + random.Next(0, 1 << 30)),
        Swap = new UsageVitals(4L << 30, 0),
        Disks = [new DiskVitals("/", 500L << 30, (180L << 30) + beat * (1L << 28))],
        Ips = ["192.168.10.5", "100.64.0.12"],
        Tailnet = new TailnetVitals(host + ".tail-socme.ts.net", "100.64.0.12", true),
        Wazuh = new WazuhVitals(new ServiceVitals("active", "4.14.1"), new ServiceVitals("active", "4.14.1"), new ServiceVitals("inactive", "4.14.1")),
        Suricata = new SuricataVitals("active", "8.0.1", 1_234 + beat),
        TheHive = new ServiceVitals("not installed", null),
        ConfigRevision = "a1b2c3d",
        AgentVersion = "0.1.0",
        Spool = new SpoolVitals(random.Next(0, 40), random.Next(0, 200_000), 2.5),
    };
}
