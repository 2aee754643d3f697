using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AssetForge.Tests.Support;

/// <summary>Keeps every log event the application writes (at any level the host lets through), for assertions.</summary>
public sealed class LogCapture : ILoggerProvider
{
    /// <param name="TraceId">the trace current when the line was written (null outside any), which is what its log scope names</param>
    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception, string? TraceId = null);

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public IReadOnlyList<Entry> Snapshot() => Entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception, Activity.Current?.TraceId.ToHexString()));
    }
}
