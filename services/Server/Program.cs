using ReferralNet.Server;

if (args is ["dev-token", ..])
{
    return await ReferralNetHost.RunDevTokenCommandAsync(args[1..]);
}

if (args is ["verify-audit", ..])
{
    return await ReferralNetHost.RunVerifyAuditCommandAsync(args[1..], Console.Out);
}

if (args is ["openapi", ..])
{
    return await ReferralNetHost.RunOpenApiCommandAsync(args[1..], Console.Out);
}

if (args is ["migrate", ..])
{
    return await ReferralNetHost.RunMigrateCommandAsync(args[1..]);
}

var app = ReferralNetHost.Build(args);
await app.InitializeAsync();
await app.RunAsync();
return 0;
