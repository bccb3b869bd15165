using System.Text.Json;

namespace Socme.Node.Enrollment;

/// <summary>What enrolment left in <c>DataDir/enrollment.json</c> (no secret: the token is in <see cref="TokenStore"/>).</summary>
public sealed record EnrollmentRecord(string Core, Guid NodeId, Guid ClientId, string Hostname, DateTimeOffset EnrolledAt)
{
    public const string FileName = "enrollment.json";

    public static EnrollmentRecord? TryRead(string dataDir)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(dataDir, FileName)), NodeJson.Default.EnrollmentRecord);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public void Write(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, NodeJson.Default.EnrollmentRecord));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
