using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Socme.Alerts;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Notifications;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Ingest;

/// <summary>
/// Takes a node's NDJSON batch of alert envelopes. The client and node come from the token, never the payload;
/// each line is validated alone (a bad line is rejected with its reason, the rest lands); the insert is
/// idempotent on (node, source, key).
/// </summary>
internal sealed class IngestService(SocmeDbContext db, TenantScope scope, AlertIngestStore store, RuleSetProvider ruleSets, NotificationSignal signal, Nodes.SourceActivity sources, TimeProvider time,
    IOptions<IngestOptions> options)
{
    private static readonly ParseOptions ParseOptions = new() { SuricataAnomalyIsAlert = true };

    public async Task<IngestResult> IngestAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nodeId = scope.NodeId ?? throw ApiException.Forbidden("not_a_node", "A node token is required.");
        var clientId = scope.ClientIds.Single();
        var o = options.Value;

        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not ("application/x-ndjson" or "application/jsonl" or "application/x-jsonlines"))
        {
            throw new ApiException(415, "unsupported_media_type", "The body must be NDJSON: Content-Type: application/x-ndjson.");
        }
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (encoding is not ("" or "identity" or "gzip"))
        {
            throw new ApiException(415, "unsupported_content_encoding", "Content-Encoding must be gzip or absent.");
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = o.MaxBodyBytes;
        }
        if (request.ContentLength > o.MaxBodyBytes)
        {
            throw TooLarge(o);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var length = 0;
            var body = encoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : request.Body;
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= o.MaxBodyBytes + 1)
                        {
                            throw TooLarge(o);
                        }
                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, o.MaxBodyBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var read = await body.ReadAsync(buffer.AsMemory(length), ct);
                    if (read == 0)
                    {
                        break;
                    }
                    length += read;
                    if (length > o.MaxBodyBytes)
                    {
                        throw TooLarge(o);
                    }
                }
            }
            catch (InvalidDataException)
            {
                throw ApiException.BadRequest("malformed_request", "The gzip body is corrupt.");
            }
            finally
            {
                if (!ReferenceEquals(body, request.Body))
                {
                    await body.DisposeAsync();
                }
            }
            var (rows, rejected) = ParseBody(buffer.AsSpan(0, length), o.MaxLines);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var rules = await ruleSets.GetAsync(ct);
            if (rules.Count > 0)
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    if (rules.Evaluate(clientId, nodeId, rows[i], now) is { } outcome)
                    {
                        rows[i] = rows[i] with { Outcome = outcome };
                    }
                }
            }
            var accepted = await store.InsertAsync(db, clientId, nodeId, rows, now, ct);
            if (accepted > 0 && rows.Any(r => r.Outcome is { Intents.Count: > 0 }))
            {
                signal.Poke();
            }
            if (accepted > 0)
            {
                await sources.SeenAsync(db, nodeId, rows, now, ct);
            }
            return new IngestResult(accepted, rows.Count - accepted, rejected);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ApiException TooLarge(IngestOptions o) =>
        new(413, "payload_too_large", $"The batch is larger than {o.MaxBodyBytes} bytes once decompressed; send smaller batches.");

    /// <summary>Splits the body into lines and turns each into a row or a rejection.</summary>
    internal static (List<IngestRow> Rows, List<IngestRejection> Rejected) ParseBody(ReadOnlySpan<byte> body, int maxLines)
    {
        var rows = new List<IngestRow>();
        var rejected = new List<IngestRejection>();
        var lineNo = 0;
        var nonEmpty = 0;
        while (!body.IsEmpty)
        {
            var nl = body.IndexOf((byte)'\n');
            var line = nl < 0 ? body : body[..nl];
            body = nl < 0 ? [] : body[(nl + 1)..];
            lineNo++;
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }
            if (++nonEmpty > maxLines)
            {
                throw new ApiException(413, "payload_too_large", $"The batch has more than {maxLines} lines; send smaller batches.");
            }
            if (TryParseLine(line, out var row, out var code, out var reason))
            {
                rows.Add(row);
            }
            else
            {
                rejected.Add(new IngestRejection(lineNo, code, reason));
            }
        }
        if (nonEmpty == 0)
        {
            throw ApiException.BadRequest("malformed_request", "The body has no NDJSON line.");
        }
        return (rows, rejected);
    }

    private static bool TryParseLine(ReadOnlySpan<byte> line, [NotNullWhen(true)] out IngestRow? row, out string code, out string reason)
    {
        row = null;
        if (!TryReadEnvelope(line, out var source, out var key, out var raw, out reason))
        {
            code = "invalid_envelope";
            return false;
        }
        var result = AlertParser.Parse(source, raw, ParseOptions);
        if (result.IsNonAlert)
        {
            code = "not_an_alert";
            reason = $"Suricata event_type '{result.NonAlertEventType}' is not an alert; only alerts are ingested.";
            return false;
        }
        if (result.Alert is not { } alert)
        {
            code = SnakeCase(result.Error?.ToString() ?? "invalid");
            reason = result.ErrorMessage ?? "The alert could not be parsed.";
            return false;
        }
        if (key is not null && (key.Length is 0 or > 128 || key.Any(char.IsControl)))
        {
            code = "invalid_key";
            reason = "The key must be 1 to 128 characters without control characters.";
            return false;
        }
        row = IngestRow.From(alert, key ?? alert.Key);
        code = "";
        return true;
    }

    private static bool TryReadEnvelope(ReadOnlySpan<byte> line, out AlertSource source, out string? key, out ReadOnlySpan<byte> raw, out string reason)
    {
        source = default;
        key = null;
        raw = default;
        string? sourceText = null;
        var haveRaw = false;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 128 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reason = "The line is not a JSON object.";
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("source"u8))
                {
                    reader.Read();
                    sourceText = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("key"u8))
                {
                    reader.Read();
                    key = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Null => null,
                        _ => throw new JsonException("key must be a string"),
                    };
                }
                else if (reader.ValueTextEquals("raw"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reason = "\"raw\" must be the original alert as a JSON object.";
                        return false;
                    }
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    raw = line[start..(int)reader.BytesConsumed];
                    haveRaw = true;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                reason = "The line has trailing data after its JSON object.";
                return false;
            }
        }
        catch (JsonException e)
        {
            reason = $"The line is not valid JSON: {e.Message}";
            return false;
        }
        catch (InvalidOperationException e)
        {
            reason = $"The line is not a valid envelope: {e.Message}";
            return false;
        }
        if (!haveRaw)
        {
            reason = "The envelope has no \"raw\" object.";
            return false;
        }
        switch (sourceText)
        {
            case "wazuh":
                source = AlertSource.Wazuh;
                break;
            case "suricata":
                source = AlertSource.Suricata;
                break;
            default:
                reason = "\"source\" must be \"wazuh\" or \"suricata\".";
                return false;
        }
        reason = "";
        return true;
    }

    private static string SnakeCase(string name) => SocmeDbContext.SnakeCase(name);
}
