var app = Gateway.Host.GatewayApplication.Create(args);
app.Run();
