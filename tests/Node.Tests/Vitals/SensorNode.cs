using System.Text.Json;
using Socme.Client;
using Socme.Node.Status;
using Socme.Node.Vitals;

namespace Socme.Node.Tests.Vitals;

/// <summary>
/// A realistic node as literals: /proc text in the kernel's own format (taken from a real machine), a NixOS
/// os-release, systemd with Wazuh and Suricata, tailscale joined to a Headscale tailnet.
/// </summary>
internal static class SensorNode
{
    public const string SystemctlShow =
        "systemctl show --property=Id,LoadState,ActiveState,SubState -- wazuh-manager.service wazuh-indexer.service wazuh-dashboard.service suricata.service thehive.service";

    public const string MemInfo = """
        MemTotal:       24683620 kB
        MemFree:        21333496 kB
        MemAvailable:   22893860 kB
        Buffers:            5760 kB
        Cached:          1861920 kB
        SwapCached:            0 kB
        Active:           648752 kB
        Inactive:        2313032 kB
        Active(anon):     143760 kB
        Inactive(anon):  1118256 kB
        Unevictable:       14140 kB
        Mlocked:           13284 kB
        SwapTotal:       2097148 kB
        SwapFree:        1835004 kB
        Zswap:                 0 kB
        Dirty:              2604 kB
        AnonPages:       1108244 kB
        Shmem:            167912 kB
        HugePages_Total:       0
        Hugepagesize:       2048 kB
        DirectMap2M:    25135104 kB

        """;

    public const string CpuInfo =
        "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC 9B14 96-Core Processor\n"
        + "stepping\t: 1\ncpu MHz\t\t: 2096.001\ncache size\t: 1024 KB\nsiblings\t: 2\ncore id\t\t: 0\ncpu cores\t: 2\n"
        + "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep\nbogomips\t: 4192.00\n\n"
        + "processor\t: 1\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC 9B14 96-Core Processor\n"
        + "stepping\t: 1\ncpu MHz\t\t: 2096.001\ncache size\t: 1024 KB\nsiblings\t: 2\ncore id\t\t: 1\ncpu cores\t: 2\n"
        + "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep\nbogomips\t: 4192.00\n\n";

    // Busy = user + nice + system + irq + softirq + steal; idle = idle + iowait.
    public const string Stat1 = "cpu  298910 0 95956 568175 7852 0 3607 0 0 0\ncpu0 136546 0 42533 305374 1061 0 1833 0 0 0\ncpu1 162363 0 53423 262800 6790 0 1774 0 0 0\nintr 1 2 3\nctxt 123\nbtime 1763790000\n";
    public const string Stat2 = "cpu  299210 0 96056 568755 7872 0 3607 0 0 0\ncpu0 136696 0 42583 305664 1071 0 1833 0 0 0\ncpu1 162513 0 53473 263090 6800 0 1774 0 0 0\nintr 1 2 3\nctxt 456\nbtime 1763790000\n";
    public const string Stat3 = "cpu  299410 0 96106 569485 7892 0 3607 0 0 0\ncpu0 136796 0 42608 306029 1081 0 1833 0 0 0\ncpu1 162613 0 53498 263455 6810 0 1774 0 0 0\nintr 1 2 3\nctxt 789\nbtime 1763790000\n";

    public const string Mounts = """
        proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
        sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
        devtmpfs /dev devtmpfs rw,nosuid,size=12334448k,nr_inodes=3083612,mode=755 0 0
        devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=3,mode=620,ptmxmode=666 0 0
        tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0
        tmpfs /run tmpfs rw,nosuid,nodev,size=6170904k,mode=755 0 0
        /dev/vda / ext4 rw,relatime 0 0
        /dev/vda /nix/store ext4 ro,relatime 0 0
        securityfs /sys/kernel/security securityfs rw,nosuid,nodev,noexec,relatime 0 0
        cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0
        /dev/vdb /var/lib/wazuh\040indexer xfs rw,relatime,attr2,inode64,noquota 0 0
        /dev/vda1 /boot vfat rw,relatime,fmask=0022,dmask=0022 0 0
        tmpfs /run/user/0 tmpfs rw,nosuid,nodev,relatime,size=2468360k,mode=700 0 0

        """;

    public const string TailscaleStatus = """
        {
          "Version": "1.76.6-t1234abcd-g5678ef",
          "TUN": true,
          "BackendState": "Running",
          "HaveNodeKey": true,
          "AuthURL": "",
          "TailscaleIPs": ["100.64.0.5", "fd7a:115c:a1e0::5"],
          "Self": {
            "ID": "7",
            "PublicKey": "nodekey:0b6e5d3c2a1f",
            "HostName": "sensor-1",
            "DNSName": "sensor-1.acme.socme.internal.",
            "OS": "linux",
            "UserID": 3,
            "TailscaleIPs": ["100.64.0.5", "fd7a:115c:a1e0::5"],
            "Addrs": ["192.0.2.2:41641"],
            "CurAddr": "",
            "Relay": "",
            "RxBytes": 0,
            "TxBytes": 0,
            "Created": "2026-11-20T09:12:44Z",
            "LastWrite": "0001-01-01T00:00:00Z",
            "LastSeen": "0001-01-01T00:00:00Z",
            "LastHandshake": "0001-01-01T00:00:00Z",
            "Online": true,
            "ExitNode": false,
            "ExitNodeOption": false,
            "Active": false,
            "InNetworkMap": true,
            "InMagicSock": false,
            "InEngine": false
          },
          "Health": null,
          "MagicDNSSuffix": "acme.socme.internal",
          "CurrentTailnet": {"Name": "acme", "MagicDNSSuffix": "acme.socme.internal", "MagicDNSEnabled": true},
          "CertDomains": null,
          "User": {"3": {"ID": 3, "LoginName": "acme", "DisplayName": "acme"}},
          "ClientVersion": null
        }
        """;

    public const string ConfigRevision = "3f2c1e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e";

    public const long GiB = 1024L * 1024 * 1024;

    public static FakeSystemProbe Create()
    {
        var probe = BareMachine();
        probe.Paths.Add("/run/systemd/system");
        probe.Executable("systemctl", "/run/current-system/sw/bin/systemctl")
            .Command(SystemctlShow, 0, """
                Id=wazuh-manager.service
                LoadState=loaded
                ActiveState=active
                SubState=running

                Id=wazuh-indexer.service
                LoadState=loaded
                ActiveState=active
                SubState=running

                Id=wazuh-dashboard.service
                LoadState=loaded
                ActiveState=failed
                SubState=failed

                Id=suricata.service
                LoadState=loaded
                ActiveState=active
                SubState=running

                Id=thehive.service
                LoadState=not-found
                ActiveState=inactive
                SubState=dead

                """);
        // Wazuh's installer writes the version into its control script.
        probe.File("/var/ossec/bin/wazuh-control", "#!/bin/sh\n# control script of a Wazuh manager\n\n# Installation info\nVERSION=\"v4.14.7\"\nREVISION=\"41470\"\nTYPE=\"server\"\n\necho usage\n");
        probe.Paths.Add("/usr/share/wazuh-indexer");
        probe.File("/usr/share/wazuh-indexer/VERSION", "4.14.7\n");
        probe.Paths.Add("/usr/share/wazuh-dashboard");
        probe.File("/usr/share/wazuh-dashboard/VERSION.json", "{\n  \"version\": \"4.14.7\",\n  \"revision\": \"00\"\n}\n");
        probe.Executable("suricata", "/run/current-system/sw/bin/suricata")
            .Command("suricata -V", 0, "This is Suricata version 7.0.8 RELEASE\n");
        probe.Executable("tailscale", "/run/current-system/sw/bin/tailscale")
            .Command("tailscale status --json --peers=false", 0, TailscaleStatus);
        probe.Executable("nixos-version", "/run/current-system/sw/bin/nixos-version")
            .Command("nixos-version --json", 0, "{\"nixosVersion\":\"24.11.20241201.abcdef0\",\"nixpkgsRevision\":\"abcdef0123456789abcdef0123456789abcdef01\",\"configurationRevision\":\"" + ConfigRevision + "\"}\n");
        probe.Address("tailscale0", "100.64.0.5").Address("tailscale0", "fd7a:115c:a1e0::5");
        return probe;
    }

    /// <summary>The kernel and the OS, and nothing else installed.</summary>
    public static FakeSystemProbe BareMachine()
    {
        var probe = new FakeSystemProbe()
            .File("/proc/sys/kernel/hostname", "sensor-1\n")
            .File("/proc/sys/kernel/osrelease", "6.6.63\n")
            .File("/etc/os-release", "ANSI_COLOR=\"1;34\"\nBUILD_ID=\"24.11.20241201.abcdef0\"\nID=nixos\nNAME=NixOS\nPRETTY_NAME=\"NixOS 24.11 (Vicuna)\"\nVERSION=\"24.11 (Vicuna)\"\nVERSION_ID=\"24.11\"\n")
            .File("/proc/uptime", "277512.34 1055732.12\n")
            .File("/proc/loadavg", "0.52 0.48 0.40 2/123 8381\n")
            .File("/proc/meminfo", MemInfo)
            .File("/proc/cpuinfo", CpuInfo)
            .File("/proc/stat", Stat1, Stat2, Stat3)
            .File("/proc/self/mounts", Mounts)
            .Address("lo", "127.0.0.1", loopback: true)
            .Address("lo", "::1", loopback: true)
            .Address("eth0", "192.0.2.2")
            .Address("eth0", "fd00::2")
            .Address("eth0", "fe80::fc:ff:fe00:1")
            .Address("docker0", "172.17.0.1", up: false);
        probe.Disks["/"] = new DiskSpace(100 * GiB, 60 * GiB);
        probe.Disks["/var/lib/wazuh indexer"] = new DiskSpace(500 * GiB, 400 * GiB);
        probe.Disks["/boot"] = new DiskSpace(512L * 1024 * 1024, 400L * 1024 * 1024);
        return probe;
    }

    public static VitalsOptions Options(string dataDir) => new()
    {
        DataDir = dataDir,
        CpuSampleInterval = TimeSpan.Zero,
        AgentVersion = "0.1.0+7e259af",
    };

    public static void WriteStatus(string dataDir, DateTimeOffset at, long suricataAlertsSpooled, long spoolRecords = 12)
    {
        var snapshot = new AgentStatusSnapshot(
            WrittenAt: at,
            Sources:
            [
                new SourceStatus("wazuh:/var/ossec/logs/alerts/alerts.json", "wazuh", "/var/ossec/logs/alerts/alerts.json",
                    new FilePosition(2049, 131, 90_000), new FilePosition(2049, 131, 88_000), 1200, 300, 290, 900, 0, 0),
                new SourceStatus("suricata:/var/log/suricata/eve.json", "suricata", "/var/log/suricata/eve.json",
                    new FilePosition(2049, 77, 5_000_000), new FilePosition(2049, 77, 4_990_000), 9000, suricataAlertsSpooled, suricataAlertsSpooled, 8950, 1, 0),
            ],
            Spool: new SpoolStatus(spoolRecords, 34_816, 3.5, 1024L * 1024 * 1024, false),
            LastAckAt: at.AddSeconds(-2),
            LastShipAt: at.AddSeconds(-2),
            LastError: null,
            LastErrorAt: null,
            ShippingPaused: false,
            PausedReason: null);
        File.WriteAllText(Path.Combine(dataDir, StatusPrinter.FileName), JsonSerializer.Serialize(snapshot, SocmeClient.JsonOptions));
    }
}
