using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ReferralNet.Platform.Messaging;

/// <summary>Registers a service's outbox dispatcher with its options, wake-up signals and metrics.</summary>
public static class OutboxExtensions
{
    /// <summary>Adds the dispatcher of <typeparamref name="TContext"/>'s outbox, its metrics tagged with <paramref name="service"/>.</summary>
    public static IServiceCollection AddOutbox<TContext>(this IServiceCollection services, string service)
        where TContext : Persistence.ServiceDbContext
    {
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<OutboxSignals>();
        services.TryAddSingleton<OutboxMetrics>();
        services.AddHostedService(provider => ActivatorUtilities.CreateInstance<OutboxDispatcher<TContext>>(provider, service));
        return services;
    }
}
