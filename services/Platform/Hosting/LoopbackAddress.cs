using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ReferralNet.Platform.Hosting;

/// <summary>This host's own address, for calls a process makes to itself over real gRPC (the embedded shape's loopback).</summary>
public static class LoopbackAddress
{
    /// <summary>
    /// The first address the server listens on, with a wildcard host ("listen everywhere") replaced by the loopback address.
    /// Known only once the server listens.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server does not listen yet.</exception>
    public static Uri Of(IServiceProvider services)
    {
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has no address yet: a call to this host itself needs it to listen first.");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "127.0.0.1";
        }

        return uri.Uri;
    }
}
