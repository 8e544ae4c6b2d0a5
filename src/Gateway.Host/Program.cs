using Gateway.Cli;
using Gateway.Host;

if (GatewayCli.Handles(args))
{
    return await GatewayCli.InvokeAsync(args);
}

await GatewayApplication.Create(args).RunAsync();
return 0;
