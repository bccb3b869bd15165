namespace Socme.Core.Features.Demo;

/// <summary>
/// A host lifetime that neither listens to Ctrl-C / SIGTERM nor prints anything: the demo runs three hosts (the core
/// and two agents) in one process and stops them itself, in order (see <see cref="DemoRunner"/>).
/// </summary>
internal sealed class DemoLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Writes a demo agent's log on the demo's console, one line per entry, prefixed with the node's name, with the node's
/// folder left out of paths (so that "suricata/eve.json: rotated …" reads at a glance).
/// </summary>
internal sealed class DemoLogProvider(string prefix, string trimFolder, TextWriter output, TimeProvider time) : ILoggerProvider
{
    private readonly string _trim = trimFolder.EndsWith('/') ? trimFolder : trimFolder + "/";

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(DemoLogProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var level = logLevel switch
            {
                LogLevel.Critical => "CRITICAL ",
                LogLevel.Error => "error: ",
                LogLevel.Warning => "warning: ",
                _ => "",
            };
            var message = formatter(state, exception).Replace(provider._trim, "", StringComparison.Ordinal);
            var cause = exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})";
            provider.Write($"{level}{message}{cause}");
        }
    }

    private void Write(string text) => output.WriteLine($"{time.GetLocalNow():HH:mm:ss}  {prefix}: {text}");
}
