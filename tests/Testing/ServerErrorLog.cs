using System.Collections.Concurrent;

namespace ReferralNet.Testing;

/// <summary>
/// Collects what the server logs at Error or above, so a test fails when the server logged an error it did not
/// expect (a bug answered as INTERNAL looks like a plain failure status to the client otherwise).
/// </summary>
public sealed class ServerErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _errors = new();

    /// <summary>Every error logged so far.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Collector(categoryName, _errors);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Collector(string category, ConcurrentQueue<string> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                errors.Enqueue($"{category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
