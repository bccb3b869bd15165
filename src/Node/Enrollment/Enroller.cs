using System.Net;
using System.Net.Sockets;
using Socme.Client;

namespace Socme.Node.Enrollment;

/// <summary><c>socme-node enroll</c>: exchanges a one-time code for the node token and pins the SSH host keys.</summary>
public sealed class Enroller(TimeProvider time)
{
    /// <summary>Where OpenSSH keeps the host keys; tests point it elsewhere.</summary>
    public string SshDir { get; init; } = "/etc/ssh";

    public sealed record Result(bool Ok, string Message, EnrollmentRecord? Record);

    public async Task<Result> EnrollAsync(string coreUrl, string code, string dataDir, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(coreUrl);
        if (!Uri.TryCreate(coreUrl.EndsWith('/') ? coreUrl : coreUrl + "/", UriKind.Absolute, out var core) || core.Scheme is not ("http" or "https"))
        {
            return new Result(false, $"'{coreUrl}' is not an http(s) URL of the core.", null);
        }
        if (string.IsNullOrWhiteSpace(code))
        {
            return new Result(false, "The enrolment code is empty.", null);
        }
        var tokens = new TokenStore(dataDir);
        if (tokens.Read() is not null)
        {
            return new Result(false, $"This node is already enrolled ({tokens.FilePath} exists). Remove it to enrol again.", null);
        }
        var hostname = Hostname();
        var keys = HostKeys();
        using var http = new HttpClient { BaseAddress = core, Timeout = TimeSpan.FromSeconds(30) };
        var client = new SocmeClient(http, NodeJson.Default.Options);
        EnrollResponse response;
        try
        {
            response = await client.EnrollAsync(new EnrollRequest(code.Trim(), hostname, keys, AgentVersion()), ct);
        }
        catch (SocmeApiException e)
        {
            return new Result(false, e.Code switch
            {
                "enrollment_code_invalid" => "The core refused the code: it is unknown, already used or expired. Ask the SOC for a new one.",
                "too_many_requests" => $"Too many attempts from this address; retry in {e.RetryAfter?.TotalSeconds ?? 60:0} s.",
                "validation_failed" => $"The core refused the enrolment data: {e.Body}",
                _ => $"The core answered {(int)e.StatusCode}: {e.Body}",
            }, null);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.StatusCode is null)
        {
            return new Result(false, $"Cannot reach the core at {core}: {e.Message}", null);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Result(false, $"The core at {core} did not answer within 30 s.", null);
        }
        Directory.CreateDirectory(dataDir);
        tokens.Write(response.Token);
        var record = new EnrollmentRecord(core.ToString(), response.NodeId, response.ClientId, hostname, time.GetUtcNow());
        record.Write(dataDir);
        return new Result(true, $"Enrolled as node {response.NodeId} of client {response.ClientId}; token stored in {tokens.FilePath} (mode 0600); {keys.Count} SSH host key(s) pinned.", record);
    }

    private static string Hostname()
    {
        try
        {
            var h = File.ReadAllText("/proc/sys/kernel/hostname").Trim();
            return h.Length > 0 ? h : Dns.GetHostName();
        }
        catch (IOException)
        {
            return Dns.GetHostName();
        }
    }

    private List<string> HostKeys()
    {
        if (!Directory.Exists(SshDir))
        {
            return [];
        }
        var keys = new List<string>();
        foreach (var file in Directory.GetFiles(SshDir, "ssh_host_*_key.pub").Order(StringComparer.Ordinal))
        {
            try
            {
                var line = File.ReadAllText(file).Trim();
                if (line.Length > 0 && !line.Contains('\n', StringComparison.Ordinal))
                {
                    keys.Add(line);
                }
            }
            catch (UnauthorizedAccessException)
            {
                // An unreadable key is skipped; the others are still pinned.
            }
        }
        return keys;
    }

    public static string AgentVersion() =>
        typeof(Enroller).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
