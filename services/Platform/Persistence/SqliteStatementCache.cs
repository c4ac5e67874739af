using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// Keeps SQLite's compiled statements across commands, per connection. Microsoft.Data.Sqlite compiles a command's SQL
/// anew for every command object, and EF creates one per execution, so every query and every save paid SQLite's parser
/// and planner again (about a tenth of a referral's CPU; dotnet/efcore#14044 asks for this cache upstream). This runs
/// each command of EF on a command kept for the same SQL on the same connection, whose statements stay prepared: the
/// parameters are bound afresh, the transaction and timeout are the original's.
/// </summary>
/// <remarks>
/// A kept command is taken while it runs or its reader is open, so the same SQL read twice at once gets a second
/// command; a command whose execution failed is disposed rather than kept. Each connection keeps at most
/// <see cref="StatementsPerConnection"/> commands, the least recently used giving way; closing a connection finalizes
/// its statements (Microsoft.Data.Sqlite disposes every command of a connection it closes) and empties its cache.
/// The audit trail's row inserts (<see cref="RowInserter{T}"/>) run on kept commands too.
/// </remarks>
public sealed class SqliteStatementCache : DbCommandInterceptor
{
    /// <summary>How many SQL texts a connection keeps compiled.</summary>
    public const int StatementsPerConnection = 64;

    private static readonly ConditionalWeakTable<SqliteConnection, KeptCommands> Connections = new();

    // The kept command that runs in place of an EF command whose reader is still open.
    private static readonly ConditionalWeakTable<DbCommand, SqliteCommand> Reading = new();

    /// <inheritdoc />
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (result.HasResult || Take(command) is not { } kept)
        {
            return result;
        }

        var reader = Run(kept, static c => c.ExecuteReader());
        Reading.AddOrUpdate(command, kept);
        return InterceptionResult<DbDataReader>.SuppressWithResult(reader);
    }

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        // Microsoft.Data.Sqlite's asynchronous execution is its synchronous one after a cancellation check.
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ReaderExecuting(command, eventData, result));
    }

    /// <inheritdoc />
    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        RunKept(command, result, static c => c.ExecuteNonQuery());

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(NonQueryExecuting(command, eventData, result));
    }

    /// <inheritdoc />
    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        RunKept(command, result, static c => c.ExecuteScalar()!);

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ScalarExecuting(command, eventData, result));
    }

    /// <inheritdoc />
    public override InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        Close(command, eventData.DataReader);
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        Close(command, eventData.DataReader);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        Close(command, eventData.DataReader);
        return result;
    }

    // Closes the reader of a kept command here, before EF does (EF tells of the close, then of the disposal), so the
    // command is free when it goes back to the cache. Should closing fail, the command is disposed, which finalizes its
    // statements, and the failure goes on to EF.
    private static void Close(DbCommand command, DbDataReader reader)
    {
        if (!Reading.TryGetValue(command, out var kept))
        {
            return;
        }

        Reading.Remove(command);
        try
        {
            reader.Dispose();
        }
        catch
        {
            kept.Dispose();
            throw;
        }

        Return(kept);
    }

    /// <summary>
    /// The kept command for <paramref name="sql"/> on <paramref name="connection"/>, taken until <see cref="Return"/>; a
    /// command whose execution failed is disposed instead.
    /// </summary>
    internal static SqliteCommand Take(SqliteConnection connection, string sql) =>
        Connections.GetValue(connection, static c => new KeptCommands(c)).Take(sql);

    /// <summary>
    /// Runs <paramref name="sql"/> on the context's SQLite connection, in its transaction when it has one, with the kept
    /// command and <paramref name="argument"/> (when not null) bound to <see cref="SqlNames.Argument"/>, and reads the
    /// result with <paramref name="read"/>: for the small fixed reads that run on every call (a stamp, the audit chain's
    /// head), where EF's query pipeline costs more than the read.
    /// </summary>
    internal static async Task<T> ReadAsync<T>(DbContext db, string sql, object? argument, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var command = Take((SqliteConnection)db.Database.GetDbConnection(), sql);
            command.Transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            if (argument is not null)
            {
                command.Parameters.AddWithValue(SqlNames.Argument, argument);
            }

            T result;
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                result = read(reader);
            }
            catch
            {
                command.Dispose();
                throw;
            }

            Return(command);
            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Gives a kept command back to its connection's cache, without the parameters and transaction of its last run.</summary>
    internal static void Return(SqliteCommand kept)
    {
        kept.Parameters.Clear();
        kept.Transaction = null;
        if (kept.Connection is { } connection && Connections.TryGetValue(connection, out var commands))
        {
            commands.Return(kept);
        }
        else
        {
            kept.Dispose();
        }
    }

    // The kept command for the original's SQL on its connection, set up to run as the original would.
    private static SqliteCommand? Take(DbCommand command)
    {
        if (command is not SqliteCommand { Connection: { State: System.Data.ConnectionState.Open } connection } original)
        {
            return null;
        }

        var kept = Take(connection, original.CommandText);
        kept.Transaction = original.Transaction;
        kept.CommandTimeout = original.CommandTimeout;
        foreach (SqliteParameter parameter in original.Parameters)
        {
            kept.Parameters.Add(parameter);
        }

        return kept;
    }

    // Runs a command that returns one value on the kept command for its SQL, which is free again right after.
    private static InterceptionResult<T> RunKept<T>(DbCommand command, InterceptionResult<T> result, Func<SqliteCommand, T> execute)
    {
        if (result.HasResult || Take(command) is not { } kept)
        {
            return result;
        }

        var value = Run(kept, execute);
        Return(kept);
        return InterceptionResult<T>.SuppressWithResult(value);
    }

    private static T Run<T>(SqliteCommand kept, Func<SqliteCommand, T> execute)
    {
        try
        {
            return execute(kept);
        }
        catch
        {
            // What state its statements were left in is SQLite's business: a failed command is not kept.
            kept.Dispose();
            throw;
        }
    }

    /// <summary>The idle kept commands of one connection, by SQL, least recently used first.</summary>
    private sealed class KeptCommands
    {
        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, LinkedListNode<SqliteCommand>> _bySql = new(StringComparer.Ordinal);
        private readonly LinkedList<SqliteCommand> _byUse = new();
        private readonly Lock _lock = new();

        public KeptCommands(SqliteConnection connection)
        {
            _connection = connection;

            // A closed connection has disposed its commands, and their statements with them.
            connection.StateChange += (_, change) =>
            {
                if (change.CurrentState == System.Data.ConnectionState.Closed)
                {
                    lock (_lock)
                    {
                        _bySql.Clear();
                        _byUse.Clear();
                    }
                }
            };
        }

        public SqliteCommand Take(string sql)
        {
            lock (_lock)
            {
                if (_bySql.Remove(sql, out var node))
                {
                    _byUse.Remove(node);
                    return node.Value;
                }
            }

            return new SqliteCommand(sql, _connection);
        }

        public void Return(SqliteCommand command)
        {
            SqliteCommand? evicted = null;
            lock (_lock)
            {
                if (_connection.State != System.Data.ConnectionState.Open || _bySql.ContainsKey(command.CommandText))
                {
                    evicted = command;
                }
                else
                {
                    _bySql[command.CommandText] = _byUse.AddLast(command);
                    if (_byUse.Count > StatementsPerConnection && _byUse.First is { } oldest)
                    {
                        _byUse.RemoveFirst();
                        _bySql.Remove(oldest.Value.CommandText);
                        evicted = oldest.Value;
                    }
                }
            }

            evicted?.Dispose();
        }
    }
}
