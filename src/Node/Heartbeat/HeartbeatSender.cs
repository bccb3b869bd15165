using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Socme.Node.Configuration;
using Socme.Node.Enrollment;
using Socme.Node.Pipeline;
using Socme.Node.Vitals;

namespace Socme.Node.Heartbeat;

/// <summary>
/// Sends the node's vitals (the document of <c>socme-node fetch --json</c>) to <c>POST api/v1/ingest/heartbeat</c>
/// at start and then every <see cref="NodeOptions.HeartbeatInterval"/>. The core derives online / stale / offline
/// from them. A failed heartbeat is not retried (the next one replaces it); failures are logged once per streak.
/// </summary>
public sealed class HeartbeatSender(
    IOptions<NodeOptions> options,
    IHttpClientFactory httpClients,
    TokenStore tokens,
    VitalsCollector vitals,
    TimeProvider time,
    ILogger<HeartbeatSender> log) : BackgroundService
{
    private readonly NodeOptions _options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
    private readonly HttpClient _http = (httpClients ?? throw new ArgumentNullException(nameof(httpClients))).CreateClient(NodePipelineServiceCollectionExtensions.CoreHttpClientName);
    private int _failures;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = _options.HeartbeatInterval > TimeSpan.Zero ? _options.HeartbeatInterval : TimeSpan.FromSeconds(30);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            await SendOnceAsync(stoppingToken);
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Collects the vitals and posts them once; returns whether the core accepted them.</summary>
    public async Task<bool> SendOnceAsync(CancellationToken ct)
    {
        string reason;
        try
        {
            var token = tokens.Read();
            if (token is null)
            {
                reason = $"no node token in {tokens.FilePath} (enrol first: socme-node enroll)";
            }
            else
            {
                var document = await vitals.CollectAsync(ct);
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/ingest/heartbeat")
                {
                    Content = JsonContent.Create(document, NodeJson.Default.NodeVitals),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await _http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    if (_failures > 0)
                    {
                        log.LogInformation("Heartbeats reach the core again (after {Failures} failed).", _failures);
                    }
                    _failures = 0;
                    return true;
                }
                reason = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    ? $"the core refused the node token ({(int)response.StatusCode})"
                    : $"the core answered {(int)response.StatusCode} {response.ReasonPhrase}";
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException)
        {
            reason = e.Message;
        }
        if (_failures++ == 0)
        {
            log.LogWarning("Heartbeat not delivered: {Reason}. Retrying every {Interval}; the core will show this node stale, then offline.", reason, _options.HeartbeatInterval);
        }
        return false;
    }
}
