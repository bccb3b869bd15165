namespace Socme.Node;

/// <summary>The verbs of <c>socme-node</c> (filled in as the pipeline, vitals and enrolment land).</summary>
internal static class NodeCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        await Console.Error.WriteLineAsync("socme-node: not yet implemented (" + string.Join(' ', args) + ")");
        return 2;
    }
}
