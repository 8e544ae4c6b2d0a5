using Gateway.ModelServer;

return await ModelServerApplication.RunAsync(args);
