using Gateway.Host;
using Gateway.Cli;

if (GatewayCli.Handles(args))
{
    return await GatewayCli.InvokeAsync(args);
}

await GatewayApplication.Create(args).RunAsync();
return 0;
