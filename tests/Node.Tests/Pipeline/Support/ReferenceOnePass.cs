using System.Text.Json;
using Socme.Alerts;
using Socme.Node.Pipeline;

namespace Socme.Node.Tests.Pipeline.Support;

/// <summary>
/// The one pass over a plain Wazuh line written with <see cref="Utf8JsonReader"/> (the agent's code before
/// <see cref="WazuhLineScanner"/>, and tested against the parser then): the reference the hand-written scanner must agree with.
/// </summary>
internal static class ReferenceOnePass
{
    public static bool TryRead(ReadOnlySpan<byte> json, int maxLineBytes, out int level, out ReadOnlySpan<byte> id)
    {
        level = -1;
        id = default;
        if (json.Length > maxLineBytes)
        {
            return false;
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = WazuhLineScanner.MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            var rules = 0;
            var levels = 0;
            var inRule = false;
            var idSeen = false;
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token == JsonTokenType.EndObject)
                {
                    if (inRule && reader.CurrentDepth == 1)
                    {
                        inRule = false;
                    }
                    continue;
                }
                if (token != JsonTokenType.PropertyName)
                {
                    continue;
                }
                var depth = reader.CurrentDepth;
                if (depth == 1)
                {
                    if (reader.ValueIsEscaped)
                    {
                        return false;
                    }
                    var name = reader.ValueSpan;
                    if (name.SequenceEqual("rule"u8))
                    {
                        reader.Read();
                        if (++rules > 1 || reader.TokenType != JsonTokenType.StartObject)
                        {
                            return false;
                        }
                        inRule = true;
                    }
                    else if (name.SequenceEqual("id"u8))
                    {
                        reader.Read();
                        if (!idSeen && reader.TokenType == JsonTokenType.String)
                        {
                            if (reader.ValueIsEscaped || !WazuhLineScanner.IsWazuhId(reader.ValueSpan))
                            {
                                return false;
                            }
                            id = reader.ValueSpan;
                            idSeen = true;
                        }
                    }
                }
                else if (depth == 2 && inRule)
                {
                    if (reader.ValueIsEscaped)
                    {
                        return false;
                    }
                    if (reader.ValueSpan.SequenceEqual("level"u8))
                    {
                        reader.Read();
                        if (++levels > 1 || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var l))
                        {
                            return false;
                        }
                        level = (int)Math.Clamp(l, Severity.MinLevel, Severity.MaxLevel);
                    }
                }
            }
            return levels == 1;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
