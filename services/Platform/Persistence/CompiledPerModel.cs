using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ReferralNet.Platform.Persistence;

/// <summary>
/// A compiled query (EF.CompileAsyncQuery) for each model it runs against. A compiled query skips LINQ translation and
/// the query-cache lookup on every call, but EF binds it to the first model it meets and refuses any other, while one
/// process can hold several models of one context (a host per database provider, several hosts in tests).
/// </summary>
/// <typeparam name="TQuery">The delegate EF.CompileAsyncQuery returns.</typeparam>
/// <param name="compile">Compiles the query; called once per model.</param>
public sealed class CompiledPerModel<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _compiled = new();

    /// <summary>The query compiled for <paramref name="context"/>'s model.</summary>
    public TQuery For(DbContext context)
    {
        var model = context.Model;
        return _compiled.TryGetValue(model, out var query) ? query : _compiled.GetValue(model, _ => compile());
    }
}
