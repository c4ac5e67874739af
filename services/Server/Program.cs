using ReferralNet.Server;

if (args is ["dev-token", ..])
{
    return await ReferralNetHost.RunDevTokenCommandAsync(args[1..]);
}

var app = ReferralNetHost.Build(args);
await app.InitializeAsync();
await app.RunAsync();
return 0;
