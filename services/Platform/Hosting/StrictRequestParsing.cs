using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace ReferralNet.Platform.Hosting;

/// <summary>
/// Binds generated gRPC services the way grpc-dotnet's own binder does, except that a request body that is not valid
/// protobuf answers INVALID_ARGUMENT. grpc-dotnet parses the body before any interceptor runs and reports a parse
/// failure as UNKNOWN with a logged error; a client's malformed bytes are the client's error, not the server's.
/// </summary>
internal static class StrictRequestParsing
{
    // grpc-dotnet's binder is internal, so it can only be found by name. If upstream renames it, start-up fails here
    // rather than letting two binders serve the same routes.
    private const string GrpcBinderName = "BinderServiceMethodProvider`1";

    /// <summary>Replaces grpc-dotnet's binder of generated services with <see cref="StrictRequestParsing{TService}"/>.</summary>
    public static void UseStrictRequestParsing(this IServiceCollection services)
    {
        var binders = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>) && d.ImplementationType?.Name == GrpcBinderName).ToList();
        if (binders.Count != 1)
        {
            throw new InvalidOperationException(
                $"Expected one grpc-dotnet service binder named {GrpcBinderName} after AddGrpc, found {binders.Count}; StrictRequestParsing must be updated for this Grpc.AspNetCore version.");
        }

        services.Remove(binders[0]);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(StrictRequestParsing<>));
    }
}

internal sealed class StrictRequestParsing<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var bind = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true);
        var bindMethod = bind?.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == bind.BindMethodName && m.GetParameters().Length == 2);
        if (bindMethod is null)
        {
            return;
        }

        var binder = new Binder(context, bindMethod.GetParameters()[1].ParameterType);
        bindMethod.Invoke(null, [binder, null]);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type generatedBase) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(Strict(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(Strict(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(Strict(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(Strict(method), metadata, invoker);
        }

        private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
            where TRequest : class
            where TResponse : class
        {
            var parse = method.RequestMarshaller.ContextualDeserializer;
            var requestMarshaller = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, body =>
            {
                try
                {
                    return parse(body);
                }
                catch (InvalidProtocolBufferException)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request body is not a valid {typeof(TRequest).Name} protobuf message."));
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, requestMarshaller, method.ResponseMarshaller);
        }

        private (TDelegate Invoker, List<object> Metadata) Handler<TDelegate>(string name, params Type[] parameters)
            where TDelegate : Delegate
        {
            var implementation = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
            if (implementation is null || implementation.GetBaseDefinition().DeclaringType != generatedBase)
            {
                throw new InvalidOperationException($"{typeof(TService).Name} does not implement '{name}'.");
            }

            // The same endpoint metadata grpc-dotnet's binder gives: the type's attributes, then the method's, then POST only.
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(implementation.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), implementation), metadata);
        }
    }
}
