namespace Socme.Node;

/// <summary><c>socme-node enroll|run|fetch|status</c>: only composes; each verb is in <see cref="NodeCommands"/>.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => NodeCommands.RunAsync(args);
}
