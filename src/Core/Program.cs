using Socme.Core.Infrastructure;

namespace Socme.Core;

/// <summary>
/// <c>socme-core [serve|migrate|create-admin|demo] [options]</c>. Only composes: each verb is in <see cref="Commands"/>.
/// </summary>
public sealed class Program
{
    private Program()
    {
    }

    public static Task<int> Main(string[] args) => Commands.RunAsync(args);
}
