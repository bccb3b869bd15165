using System.Text.Json.Serialization;
using Socme.Client;
using Socme.Node.Checkpoints;
using Socme.Node.Configuration;
using Socme.Node.Enrollment;
using Socme.Node.Spool;
using Socme.Node.Status;
using Socme.Node.Vitals;

namespace Socme.Node;

/// <summary>
/// Every type the agent reads or writes as JSON (its files, the core's answers, the heartbeat), with serialisers generated
/// at compile time: the agent uses no reflection-based JSON, so the same code runs as a Native AOT binary
/// (<c>dotnet publish -p:PublishAot=true</c>, docs/node.md) and under the JIT, and a type missing here fails every test
/// that touches it instead of only the native build. The wire format is <see cref="SocmeClient.JsonOptions"/>'s.
/// </summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SourceCheckpoint))]
[JsonSerializable(typeof(EnrollmentRecord))]
[JsonSerializable(typeof(AgentStatusSnapshot))]
[JsonSerializable(typeof(NodeOptions))]
[JsonSerializable(typeof(DiskSpool.CursorFile))]
[JsonSerializable(typeof(SuricataAlertCounter.AlertHistory))]
[JsonSerializable(typeof(NodeVitals))]
[JsonSerializable(typeof(IngestResult))]
[JsonSerializable(typeof(EnrollRequest))]
[JsonSerializable(typeof(EnrollResponse))]
[JsonSerializable(typeof(HeartbeatResult))]
internal sealed partial class NodeJson : JsonSerializerContext;
