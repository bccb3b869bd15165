using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Socme.Node.Tests.Pipeline.Support;

/// <summary>Captures log entries (and echoes none): tests assert on what was logged.</summary>
internal sealed class TestLog : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public ILoggerFactory Factory() => new LoggerFactory([this]);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IReadOnlyList<string> AtLeast(LogLevel level) => [.. Entries.Where(e => e.Level >= level).Select(e => e.Message)];

    public void Dispose()
    {
    }

    private sealed class Logger(TestLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, category, formatter(state, exception)));
    }
}
