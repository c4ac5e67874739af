using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// A small fixed read of <typeparamref name="TEntity"/>'s table that runs on every call of its kind, for SQLite: a statement
/// kept compiled on the connection (<see cref="SqliteStatementCache.ReadAsync"/>) instead of an EF query, whose pipeline
/// costs more than such a read. Its SQL is written once per model from the model's table and column names.
/// </summary>
/// <param name="sqlOf">The SQL, from the delimited table name and a function giving a property's delimited column name.</param>
/// <param name="read">Reads the result from the statement's reader.</param>
internal sealed class SqliteKeptRead<TEntity, TResult>(Func<string, Func<string, string>, string> sqlOf, Func<SqliteDataReader, TResult> read)
{
    private readonly ConditionalWeakTable<IModel, string> _sql = new();

    /// <summary>Runs the read on <paramref name="db"/>'s connection, in its transaction when it has one.</summary>
    public Task<TResult> RunAsync(DbContext db, CancellationToken cancellationToken) =>
        SqliteStatementCache.ReadAsync(db, _sql.GetValue(db.Model, model => SqlOf(model, db.GetService<ISqlGenerationHelper>())), read, cancellationToken);

    private string SqlOf(IModel model, ISqlGenerationHelper sql)
    {
        var entity = model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return sqlOf(sql.DelimitIdentifier(table.Name, table.Schema), property => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!));
    }
}
