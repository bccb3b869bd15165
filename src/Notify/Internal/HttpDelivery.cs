using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Socme.Notify.Internal;

/// <summary>
/// Sends one HTTP request through the guarded client, follows up to <see cref="MaxRedirects"/> redirects itself
/// (each hop re-checked: URL scheme here, address in the handler's ConnectCallback), and classifies the answer.
/// </summary>
internal sealed class HttpDelivery(HttpClient client, OutboundPolicy policy, TimeProvider time)
{
    public const int MaxRedirects = 3;
    private const int MaxBodyChars = 16 * 1024;

    public TimeProvider Time => time;

    // build makes the request for a URL; its sameOrigin argument is false after a redirect to another origin, and the
    // builder must then leave out credentials meant for the first origin. inspect classifies a non-redirect answer
    // for one service (null: the generic classification).
    public async Task<NotifyResult> SendAsync(Uri url, Func<Uri, bool, HttpRequestMessage> build, bool allowPrivate,
        CancellationToken ct, Func<HttpResponseMessage, string, NotifyResult?>? inspect = null)
    {
        var current = url;
        for (var hop = 0; ; hop++)
        {
            if (OutboundGuard.CheckUrl(current, policy) is { } refusal)
            {
                return NotifyResult.Permanent(hop == 0 ? refusal : "redirect refused: " + refusal);
            }
            using var request = build(current, SameOrigin(url, current));
            request.Options.Set(OutboundGuard.AllowPrivateNetwork, allowPrivate);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var body = await ReadBodyAsync(response, ct);
            var code = (int)response.StatusCode;
            if (code is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                if (hop >= MaxRedirects)
                {
                    return NotifyResult.Permanent($"more than {MaxRedirects} redirects");
                }
                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                continue;
            }
            return inspect?.Invoke(response, body) ?? Classify(response, body, time);
        }
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyChars);
        try
        {
            var total = 0;
            int read;
            while (total < MaxBodyChars && (read = await stream.ReadAsync(buffer.AsMemory(total, MaxBodyChars - total), ct)) > 0)
            {
                total += read;
            }
            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Status codes worth retrying: timeouts, too early, rate limits, server and gateway failures.</summary>
    public static bool IsRetryable(int code) => code is 408 or 425 or 429 or 500 or 502 or 503 or 504;

    /// <summary>2xx delivered; 408/425/429/500/502/503/504 retry (honouring Retry-After); anything else permanent.</summary>
    public static NotifyResult Classify(HttpResponseMessage response, string body, TimeProvider time, string? detail = null,
        TimeSpan? retryAfter = null)
    {
        var code = (int)response.StatusCode;
        if (code is >= 200 and < 300)
        {
            return NotifyResult.Delivered;
        }
        var reason = $"HTTP {code.ToString(CultureInfo.InvariantCulture)}";
        if (!string.IsNullOrEmpty(response.ReasonPhrase))
        {
            reason += " " + Short(response.ReasonPhrase, 60);
        }
        detail ??= BodyDetail(response, body);
        if (!string.IsNullOrWhiteSpace(detail))
        {
            reason += ": " + detail;
        }
        return IsRetryable(code)
            ? NotifyResult.Retry(reason, retryAfter ?? RetryAfter(response, time))
            : NotifyResult.Permanent(reason);
    }

    /// <summary>The Retry-After header, as seconds or an HTTP date (then relative to now).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    /// <summary>A short, one-line excerpt of an error body (a JSON "message"/"description"/"error" if there is one).</summary>
    public static string? BodyDetail(HttpResponseMessage response, string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        var type = response.Content.Headers.ContentType?.MediaType ?? "";
        if (type.Contains("html", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (type.Contains("json", StringComparison.OrdinalIgnoreCase) || body.TrimStart().StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var name in (string[])["description", "message", "error", "errorDescription", "detail", "text"])
                    {
                        if (doc.RootElement.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String)
                        {
                            return Short(p.GetString()!, 160);
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to the raw text.
            }
        }
        return Short(body, 160);
    }

    public static string Short(string text, int max)
    {
        var line = TemplateValues.SingleLine(text).Trim();
        return line.Length <= max ? line : Truncate(line, max);
    }

    /// <summary>Cuts to at most <paramref name="max"/> UTF-16 units with an ellipsis, never inside a surrogate pair.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }
        var cut = max - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    public static ByteArrayContent JsonContent(byte[] utf8)
    {
        var content = new ByteArrayContent(utf8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
