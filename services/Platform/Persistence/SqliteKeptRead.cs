using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// A small fixed read that runs on every call of its kind, for SQLite: a statement kept compiled on the connection
/// (<see cref="SqliteStatementCache.ReadAsync"/>) instead of an EF query, whose pipeline costs more than such a read. Its
/// SQL is written once per model from the model's table and column names, and takes at most one parameter,
/// <see cref="SqlNames.Argument"/>.
/// </summary>
/// <param name="sqlOf">The SQL, from the model's delimited names.</param>
/// <param name="read">Reads the result from the statement's reader.</param>
public sealed class SqliteKeptRead<TResult>(Func<SqlNames, string> sqlOf, Func<SqliteDataReader, TResult> read)
{
    private readonly ConditionalWeakTable<IModel, string> _sql = new();

    /// <summary>Runs the read on <paramref name="db"/>'s connection, in its transaction when it has one.</summary>
    public Task<TResult> RunAsync(DbContext db, CancellationToken cancellationToken) => RunAsync(db, null, cancellationToken);

    /// <summary>Runs the read with <paramref name="argument"/> bound to <see cref="SqlNames.Argument"/>.</summary>
    public Task<TResult> RunAsync(DbContext db, object? argument, CancellationToken cancellationToken) =>
        SqliteStatementCache.ReadAsync(db, _sql.GetValue(db.Model, model => sqlOf(new SqlNames(model, db.GetService<ISqlGenerationHelper>()))), argument, read, cancellationToken);
}

/// <summary>The delimited table and column names of a model's entities, for SQL written by hand once per model.</summary>
/// <param name="model">The model.</param>
/// <param name="sql">The provider's identifier quoting.</param>
public sealed class SqlNames(IModel model, ISqlGenerationHelper sql)
{
    /// <summary>The name of the one parameter a <see cref="SqliteKeptRead{TResult}"/> binds.</summary>
    public const string Argument = "@argument";

    /// <summary>The delimited table of <typeparamref name="TEntity"/>.</summary>
    public string Table<TEntity>()
    {
        var table = TableOf<TEntity>();
        return sql.DelimitIdentifier(table.Name, table.Schema);
    }

    /// <summary>The delimited column of <typeparamref name="TEntity"/>'s <paramref name="property"/>.</summary>
    public string Column<TEntity>(string property) =>
        sql.DelimitIdentifier(EntityOf<TEntity>().FindProperty(property)?.GetColumnName(TableOf<TEntity>())
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{property} is not mapped to a column."));

    private IEntityType EntityOf<TEntity>() =>
        model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");

    private StoreObjectIdentifier TableOf<TEntity>()
    {
        var entity = EntityOf<TEntity>();
        return StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
    }
}
