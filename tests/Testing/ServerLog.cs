using System.Collections.Concurrent;

namespace ReferralNet.Testing;

/// <summary>
/// Everything the server logs, at every level, with its exception and scopes' state, so a test can prove that something
/// (a BSN) never reaches a log line, whichever category or level would have written it.
/// </summary>
public sealed class ServerLog : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider? _scopes;

    /// <summary>Every line logged so far, as a log sink would store it: category, message, exception, scopes.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Registers this log in <paramref name="services"/> and lets every level through to it.</summary>
    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(this);
        // A rule for this provider outranks the configured category levels, which apply to the other providers still.
        services.Configure<LoggerFilterOptions>(options => options.Rules.Add(new LoggerFilterRule(typeof(ServerLog).FullName, null, LogLevel.Trace, null)));
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Collector(categoryName, this);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Collector(string category, ServerLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => log._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new System.Text.StringBuilder();
            log._scopes?.ForEachScope((scope, builder) => builder.Append(" | ").Append(scope), scopes);
            log._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {state} {exception}{scopes}");
        }
    }
}
