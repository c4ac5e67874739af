using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// Inserts immutable rows of <typeparamref name="T"/> in the context's current transaction with INSERT statements
/// built from the EF model (table, columns, type mappings and value converters), without the change
/// tracker. For append-only tables written on every audited call, where SaveChanges' tracking, command batching and
/// result propagation cost more than the insert itself.
/// </summary>
/// <typeparam name="T">
/// An entity type mapped to one table, whose properties all map to columns. A key the database generates (identity,
/// autoincrement) is left to it and not read back: the inserted objects keep their default key.
/// </typeparam>
public static class RowInserter<T>
    where T : class
{
    // SQL Server allows 2,100 parameters per command; every provider allows at least that many.
    private const int MaxParameters = 2000;

    private static readonly ConditionalWeakTable<IModel, Mapping> Mappings = new();

    /// <summary>Inserts <paramref name="rows"/> in the current transaction of <paramref name="db"/>.</summary>
    public static async Task InsertAsync(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException($"Rows of {typeof(T).Name} are inserted inside a transaction.");
        var mapping = Mappings.GetValue(db.Model, model => new Mapping(model, db.GetService<ISqlGenerationHelper>()));

        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            await InsertEachAsync(sqlite, (SqliteTransaction)transaction.GetDbTransaction(), mapping, rows, cancellationToken);
            return;
        }

        // Server databases get many rows per statement, one round trip each.
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        for (var start = 0; start < rows.Count; start += mapping.RowsPerCommand)
        {
            var count = Math.Min(mapping.RowsPerCommand, rows.Count - start);
            var sql = mapping.Sql(count);
            if (command.CommandText != sql)
            {
                command.CommandText = sql;
            }

            command.Parameters.Clear();
            for (var row = 0; row < count; row++)
            {
                mapping.AddParameters(command, row, rows[start + row]);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // SQLite looks up every named parameter by a linear search of the statement's names, so a statement of many rows costs
    // the square of its parameters: one single-row statement runs once per row, kept compiled on the connection.
    private static async Task InsertEachAsync(SqliteConnection connection, SqliteTransaction transaction, Mapping mapping, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        var command = SqliteStatementCache.Take(connection, mapping.Sql(1));
        command.Transaction = transaction;
        try
        {
            foreach (var row in rows)
            {
                command.Parameters.Clear();
                mapping.AddParameters(command, 0, row);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch
        {
            command.Dispose();
            throw;
        }

        SqliteStatementCache.Return(command);
    }

    private sealed class Mapping
    {
        private readonly string _prefix;
        private readonly string?[] _sqlByCount;

        public Mapping(IModel model, ISqlGenerationHelper sql)
        {
            var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            Columns = [.. entity.GetProperties().Where(p => !IsDatabaseKey(p)).Select(p => new Column(p, p.GetGetter(), p.GetTableColumnMappings().Single().TypeMapping))];
            if (Columns.Any(c => c.Property.PropertyInfo is null || c.Property.ValueGenerated != ValueGenerated.Never))
            {
                throw new InvalidOperationException($"{typeof(T).Name} has a shadow or generated property other than a database-generated key; insert it with SaveChanges.");
            }

            _prefix = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} " +
                $"({string.Join(", ", Columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)))}) VALUES ";
            RowsPerCommand = Math.Max(1, MaxParameters / Columns.Length);
            _sqlByCount = new string?[RowsPerCommand + 1];
        }

        public Column[] Columns { get; }

        // Such as the outbox's position: an integer primary key of one column, numbered by the database as the row is
        // inserted (a GUID key generated on add is EF's to generate, so it is no database key).
        private static bool IsDatabaseKey(IProperty property) =>
            property.ValueGenerated == ValueGenerated.OnAdd && property.FindContainingPrimaryKey() is { Properties.Count: 1 }
            && (property.ClrType == typeof(long) || property.ClrType == typeof(int));

        public int RowsPerCommand { get; }

        public string Sql(int rows)
        {
            if (_sqlByCount[rows] is { } cached)
            {
                return cached;
            }

            var text = new StringBuilder(_prefix);
            for (var row = 0; row < rows; row++)
            {
                text.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < Columns.Length; column++)
                {
                    text.Append(column == 0 ? "" : ", ").Append(ParameterName(row, column));
                }

                text.Append(')');
            }

            return _sqlByCount[rows] = text.ToString();
        }

        public void AddParameters(DbCommand command, int row, T value)
        {
            for (var column = 0; column < Columns.Length; column++)
            {
                var (property, getter, typeMapping) = Columns[column];

                // The type mapping applies the property's value converter and sets the parameter's type, as SaveChanges would.
                command.Parameters.Add(typeMapping.CreateParameter(
                    command, ParameterName(row, column), getter.GetClrValue(value), property.IsNullable));
            }
        }

        private static string ParameterName(int row, int column) => $"@r{row}c{column}";
    }

    private sealed record Column(IProperty Property, IClrPropertyGetter Getter, RelationalTypeMapping TypeMapping);
}
